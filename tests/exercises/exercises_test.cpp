// The exercises (`asynclab exercise`, `check`, `hint`), end to end through the binary: every
// starter fails its checks, every reference passes, every wrong solution fails at the checks its
// `# expect:` lines name, with words that say what it did; bad input is one line; a learner's file
// is never overwritten; progress keeps checks and hint tiers.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"

using namespace asynclab::testing;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path solutions = ASYNCLAB_EXERCISE_SOLUTIONS;

/// A fresh folder for one test: its progress store and the files it writes.
struct Scratch {
    fs::path dir;
    Scratch() {
        std::string templ = (fs::temp_directory_path() / "asynclab-exercise-XXXXXX").string();
        dir = ::mkdtemp(templ.data());
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    [[nodiscard]] std::vector<std::string> env() const {
        return {fmt::format("PATH={}:/usr/bin:/bin",
                            fs::path(ASYNCLAB_EXERCISE_PYTHON).parent_path().string()),
                "ASYNCLAB_HOME=" + (dir / "home").string(), "COLUMNS=80", "NO_COLOR=1",
                "ASYNCLAB_LANG=en"};
    }
    Result cli(const std::vector<std::string>& args) const { return run_cli(args, env()); }
};

std::string read(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The `# expect: SCENARIO/CHECK` lines at the top of a wrong solution.
std::vector<std::pair<std::string, std::string>> expectations(const fs::path& file) {
    std::vector<std::pair<std::string, std::string>> out;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line) && line.starts_with("#");) {
        constexpr std::string_view tag = "# expect: ";
        if (!line.starts_with(tag)) continue;
        const std::string what = line.substr(tag.size());
        const auto slash = what.find('/');
        REQUIRE_MESSAGE(slash != std::string::npos, (file.string() + ": expect SCENARIO/CHECK"));
        out.emplace_back(what.substr(0, slash), what.substr(slash + 1));
    }
    return out;
}

const Json* find_check(const Json& report, const std::string& scenario, const std::string& check) {
    for (const Json& s : report.at("scenarios")) {
        if (s.at("id") != scenario) continue;
        for (const Json& c : s.at("checks"))
            if (c.at("id") == check) return &c;
    }
    return nullptr;
}

Json check_json(const Scratch& scratch, const std::string& name, const fs::path& file,
                int exit_code) {
    const Result r = scratch.cli({"check", name, file.string(), "--json"});
    INFO(name, " ", file.string(), "\nstdout: ", r.out, "\nstderr: ", r.err);
    REQUIRE(r.exit_code == exit_code);
    return Json::parse(r.out);
}

std::vector<std::string> exercise_names(const Scratch& scratch) {
    const Result r = scratch.cli({"exercise", "--json"});
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> names;
    for (const Json& e : Json::parse(r.out)) names.push_back(e.at("name"));
    return names;
}

}  // namespace

TEST_CASE("the exercises the issue names are all there, each with a reference and two wrong ones") {
    const Scratch scratch;
    const std::vector<std::string> names = exercise_names(scratch);
    CHECK(names.size() >= 10);
    for (const char* required :
         {"cache", "breaker", "timeouts", "capstone", "forgot-await", "blocking-call",
          "swallowed-cancel", "task-done", "bounded-fanout", "lost-exception"}) {
        CHECK_MESSAGE(std::find(names.begin(), names.end(), required) != names.end(),
                      std::string(required));
    }
    for (const std::string& name : names) {
        INFO(name);
        CHECK(fs::exists(solutions / name / "reference.py"));
        int wrong = 0;
        if (fs::exists(solutions / name)) {
            for (const auto& entry : fs::directory_iterator(solutions / name))
                wrong += entry.path().filename().string().starts_with("wrong_") ? 1 : 0;
        }
        CHECK(wrong >= 2);
    }
}

TEST_CASE("every starter fails, every reference passes, every wrong one fails where it says") {
    const Scratch scratch;
    for (const std::string& name : exercise_names(scratch)) {
        if (!fs::exists(solutions / name)) continue;  // reported by the test above
        SUBCASE(name.c_str()) {
            const Result start =
                scratch.cli({"exercise", "start", name, "--dir", (scratch.dir / "work").string()});
            REQUIRE(start.exit_code == 0);
            const fs::path starter = scratch.dir / "work" / (name + ".py");
            CHECK(read(starter).starts_with("# asynclab exercise " + name + " — "));
            const Json s = check_json(scratch, name, starter, 1);
            CHECK(s.at("passed") == false);
            CHECK(s.at("outcome") == "ok");  // it ran: it failed on its checks, not by crashing

            const Json ref = check_json(scratch, name, solutions / name / "reference.py", 0);
            CHECK(ref.at("passed") == true);
            CHECK(ref.at("checks_passed") == ref.at("checks_total"));

            for (const auto& entry : fs::directory_iterator(solutions / name)) {
                const fs::path file = entry.path();
                if (!file.filename().string().starts_with("wrong_")) continue;
                INFO(file.filename().string());
                const auto expected = expectations(file);
                CHECK_FALSE(expected.empty());
                const Json w = check_json(scratch, name, file, 1);
                for (const auto& [scenario, check] : expected) {
                    INFO(scenario, "/", check);
                    const Json* c = find_check(w, scenario, check);
                    REQUIRE(c != nullptr);
                    CHECK(c->at("passed") == false);
                    CHECK(c->at("reached") == true);
                    const std::string message = c->at("message").get<std::string>();
                    CHECK(!message.empty());
                    CHECK(message.find('{') == std::string::npos);  // every figure filled in
                }
            }
        }
    }
}

TEST_CASE("exercise start writes the starter once and never overwrites the learner's file") {
    const Scratch scratch;
    const Result first =
        scratch.cli({"exercise", "start", "cache", "--dir", (scratch.dir / "a/b").string()});
    REQUIRE(first.exit_code == 0);
    const fs::path file = scratch.dir / "a/b/cache.py";
    CHECK(first.out.find(file.string()) != std::string::npos);
    const std::string starter = read(file);
    CHECK(starter.find("What `asynclab check cache` checks") != std::string::npos);
    CHECK(starter.find("class Cache") != std::string::npos);

    std::ofstream(file) << "my work\n";
    const Result again =
        scratch.cli({"exercise", "start", "cache", "--dir", (scratch.dir / "a/b").string()});
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("kept as it is") != std::string::npos);
    CHECK(read(file) == "my work\n");

    std::ofstream(scratch.dir / "plain") << "x";
    const Result not_dir =
        scratch.cli({"exercise", "start", "cache", "--dir", (scratch.dir / "plain").string()});
    CHECK(not_dir.exit_code == 2);
    CHECK(line_count(not_dir.err) == 1);
}

TEST_CASE("bad input to exercise, check and hint is one line and exit 2") {
    const Scratch scratch;
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"check", "nosuch"},
          {"hint", "nosuch"},
          {"exercise", "start", "nosuch"},
          {"check", "cache", (scratch.dir / "missing.py").string()},
          {"check", "cache", scratch.dir.string()},
          {"check"},
          {"hint"},
          {"exercise", "start"}}) {
        const Result r = scratch.cli(args);
        INFO(fmt::format("{}", fmt::join(args, " ")), "\n", r.err);
        CHECK(r.exit_code == 2);
        CHECK(line_count(r.err) <= 2);  // the line, and where to read more
        CHECK(r.err.find("asynclab") != std::string::npos);
    }
    const Result unknown = scratch.cli({"check", "nosuch"});
    CHECK(unknown.err.find("cache") != std::string::npos);  // names the valid ones

    // No FILE: NAME.py in the current folder; without one, the line says how to start.
    const fs::path before = fs::current_path();
    fs::current_path(scratch.dir);
    const Result none = scratch.cli({"check", "cache"});
    fs::current_path(before);
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("asynclab exercise start cache") != std::string::npos);
}

TEST_CASE("a learner's file that does not load, hangs or never ends fails with its reason") {
    const Scratch scratch;
    const fs::path broken = scratch.dir / "broken.py";
    std::ofstream(broken) << "class Cache:\n    def get(self, key)\n        return 1\n";
    const Result syntax = scratch.cli({"check", "cache", broken.string()});
    CHECK(syntax.exit_code == 1);
    CHECK(syntax.err.find("broken.py") != std::string::npos);  // their traceback, their file
    CHECK(syntax.err.find("SyntaxError") != std::string::npos);
    CHECK(syntax.out.find("did not load") != std::string::npos);
    CHECK(syntax.err.find("frozen") == std::string::npos);  // only the learner's frames

    const fs::path hangs = scratch.dir / "hangs.py";
    std::ofstream(hangs) << "import asyncio\n"
                            "class Cache:\n"
                            "    def __init__(self, fetch):\n"
                            "        self.never = asyncio.Event()\n"
                            "    async def get(self, key):\n"
                            "        await self.never.wait()\n";
    const Json h = check_json(scratch, "cache", hangs, 1);
    CHECK(h.at("scenarios").at(0).at("stop") == "hang");
    CHECK(h.at("scenarios").at(0).at("checks").at(0).at("reached") == false);
    CHECK(h.at("scenarios").size() == 4);  // the next scenarios still ran

    const fs::path loops = scratch.dir / "loops.py";
    std::ofstream(loops) << "import asyncio\n"
                            "class Cache:\n"
                            "    def __init__(self, fetch):\n"
                            "        pass\n"
                            "    async def get(self, key):\n"
                            "        while True:\n"
                            "            await asyncio.sleep(1)\n";
    const Json l = check_json(scratch, "cache", loops, 1);
    CHECK(l.at("scenarios").at(0).at("stop") == "too-long");
    CHECK(l.at("scenarios").at(0).at("error").get<std::string>().find("ran past 60 s") !=
          std::string::npos);

    const fs::path raises = scratch.dir / "raises.py";
    std::ofstream(raises) << "class Cache:\n"
                             "    def __init__(self, fetch):\n"
                             "        self.fetch = fetch\n"
                             "    async def get(self, key):\n"
                             "        return (await self.fetch(key)) + 1\n";
    const Result raised = scratch.cli({"check", "cache", raises.string()});
    CHECK(raised.exit_code == 1);
    // One traceback for one place, however many scenarios hit it, and only the learner's frames.
    CHECK(raised.err.find("Traceback") == raised.err.rfind("Traceback"));
    CHECK(raised.err.find("raises.py\", line 5, in get") != std::string::npos);
    CHECK(raised.err.find("asyncio") == std::string::npos);
    CHECK(raised.out.find("Your code raised TypeError") != std::string::npos);
    CHECK(raised.out.find("(raises.py:5)") != std::string::npos);

    // What the checks call is missing, or not `async def`: said so, not shown as a traceback.
    const fs::path missing = scratch.dir / "missing.py";
    std::ofstream(missing) << "class Kache:\n    pass\n";
    const Json m = check_json(scratch, "cache", missing, 1);
    CHECK(m.at("scenarios").at(0).at("stop") == "missing");
    CHECK(m.at("scenarios").at(0).at("error").get<std::string>().find("Your file has no Cache") ==
          0);
    const fs::path not_async = scratch.dir / "not_async.py";
    std::ofstream(not_async) << "class Cache:\n"
                                "    def __init__(self, fetch):\n"
                                "        pass\n"
                                "    def get(self, key):\n"
                                "        return key\n";
    const Result na = scratch.cli({"check", "cache", not_async.string(), "--json"});
    CHECK(na.exit_code == 1);
    CHECK(Json::parse(na.out).at("scenarios").at(0).at("stop") == "not-coroutine");
    CHECK(na.err.empty());

    const Result page = scratch.cli({"check", "cache", hangs.string()});
    CHECK(page.out.find("hung") != std::string::npos);
    CHECK(page.out.find("Your code's timeline in:") != std::string::npos);
    CHECK(page.out.find("waits on") != std::string::npos);  // the wait-for chain
}

TEST_CASE("progress keeps checks and passes; hint gives one more tier each time") {
    const Scratch scratch;
    check_json(scratch, "cache", solutions / "cache" / "wrong_values_only.py", 1);
    Json listed = Json::parse(scratch.cli({"exercise", "--json"}).out);
    const auto cache = std::find_if(listed.begin(), listed.end(),
                                    [](const Json& e) { return e.at("name") == "cache"; });
    REQUIRE(cache != listed.end());
    CHECK(cache->at("progress").at("checks") == 1);
    CHECK(cache->at("progress").at("passed") == false);

    check_json(scratch, "cache", solutions / "cache" / "reference.py", 0);
    check_json(scratch, "cache", solutions / "cache" / "wrong_values_only.py", 1);
    const Json progress = Json::parse(scratch.cli({"progress", "--json"}).out);
    const Json& rows = progress.at("exercises");
    const auto row = std::find_if(rows.begin(), rows.end(),
                                  [](const Json& e) { return e.at("name") == "cache"; });
    REQUIRE(row != rows.end());
    CHECK(row->at("checks") == 3);
    CHECK(row->at("passed") == true);  // a later failure keeps it

    const Result text = scratch.cli({"exercise"});
    CHECK(text.out.find("1 of ") != std::string::npos);

    std::vector<int> tiers;
    for (int i = 0; i < 4; ++i) {
        const Json h = Json::parse(scratch.cli({"hint", "cache", "--json"}).out);
        tiers.push_back(h.at("tier"));
        CHECK(h.at("hints").size() == h.at("tier"));
    }
    CHECK(tiers == std::vector<int>{1, 2, 3, 3});
    const Result page = scratch.cli({"hint", "cache"});
    CHECK(page.out.find("Hint 3 of 3") != std::string::npos);
    CHECK(page.out.find("    def __init__(self, fetch):") !=
          std::string::npos);  // code kept as written
}

TEST_CASE("check speaks the learner's language") {
    const Scratch scratch;
    std::vector<std::string> env = scratch.env();
    env.back() = "ASYNCLAB_LANG=zh";
    const Result r =
        run_cli({"check", "cache", (solutions / "cache" / "wrong_values_only.py").string()}, env);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("检查 · cache") != std::string::npos);
    CHECK(r.out.find("服务被请求了 5 次 a") != std::string::npos);
    // A figure sent in each language's words: the Chinese list, not the English one.
    const Json zh =
        Json::parse(run_cli({"check", "breaker",
                             (solutions / "breaker" / "wrong_no_reset.py").string(), "--json"},
                            env)
                        .out);
    const std::string message = zh.at("scenarios").at(1).at("checks").at(0).at("message");
    CHECK(message.find("0.4 秒 CircuitOpen") != std::string::npos);
    CHECK(message.find("at 0.4 s") == std::string::npos);
}

TEST_CASE("check without python3 on PATH says so in one line; exercise and hint need none") {
    const Scratch scratch;
    std::vector<std::string> env = scratch.env();
    env.front() = "PATH=" + (scratch.dir / "empty").string();
    fs::create_directories(scratch.dir / "empty");
    const Result r =
        run_cli({"check", "cache", (solutions / "cache" / "reference.py").string()}, env);
    CHECK(r.exit_code == 1);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.find("check needs python3 (3.9 or newer) on PATH") != std::string::npos);
    CHECK(run_cli({"exercise"}, env).exit_code == 0);
    CHECK(run_cli({"hint", "cache"}, env).exit_code == 0);
}

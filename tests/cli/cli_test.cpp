// The asynclab binary end to end: the figures issue #2 promises, exit codes, one-line errors,
// byte-identical JSON for a seed, the Chrome trace, and Ctrl-C.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

#include "process.hpp"

using namespace asynclab::testing;
using nlohmann::json;

namespace {

json run_json(std::vector<std::string> args) {
    args.insert(args.begin(), {"run"});
    args.insert(args.end(), {"--clock", "virtual", "--json"});
    const Result r = run_cli(args);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

const json& demo(const json& report, const std::string& id) {
    for (const auto& d : report["demos"]) {
        if (d["id"] == id) return d;
    }
    FAIL("no demo " << id);
    static json none;
    return none;
}

std::vector<std::string> finish_order(const json& d) {
    std::vector<std::pair<double, std::string>> ends;
    for (const auto& t : d["tasks"]) {
        if (t["name"] != "main")
            ends.emplace_back(t["end_s"].get<double>(), t["name"].get<std::string>());
    }
    std::stable_sort(ends.begin(), ends.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> names;
    for (const auto& e : ends) names.push_back(e.second);
    return names;
}

}  // namespace

TEST_CASE("run 1: sequential awaits add up, concurrent tasks overlap, results in argument order") {
    const json r = run_json({"1"});
    CHECK(r["lesson"]["slug"] == "tasks");
    CHECK(r["clock"] == "virtual");
    CHECK(r["params"]["delays"] == json({1.0, 1.5, 0.5}));
    CHECK(demo(r, "sequential")["duration_s"] == 3.0);
    const json& con = demo(r, "concurrent");
    CHECK(con["duration_s"] == 1.5);
    CHECK(con["metrics"]["results"] == json({"A", "B", "C"}));
    CHECK(finish_order(con) == std::vector<std::string>{"C", "A", "B"});
    for (const auto& t : con["tasks"]) {
        if (t["name"] != "main") CHECK(t["result"] == t["name"]);
    }
    const json small = run_json({"1", "--delays", "0.2,0.1"});
    CHECK(demo(small, "sequential")["duration_s"] == 0.3);
    CHECK(demo(small, "concurrent")["duration_s"] == 0.2);
}

TEST_CASE("run 2: wait_for times out after the slow task cleaned up; in time it completes") {
    const json r = run_json({"2"});
    const json& wf = demo(r, "wait-for");
    CHECK(wf["duration_s"] == 0.05);
    json job;
    for (const auto& t : wf["tasks"]) {
        if (t["name"] == "job") job = t;
    }
    CHECK(job["state"] == "cancelled");
    CHECK(job["end_s"] == 0.05);
    std::vector<std::string> lines;
    for (const auto& o : wf["output"]) lines.push_back(o["text"]);
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].rfind("job: cancelled", 0) == 0);
    CHECK(lines[2].rfind("caller: TimeoutError", 0) == 0);

    const json quick = run_json({"2", "--work", "0.01"});
    const json& q = demo(quick, "wait-for");
    CHECK(q["duration_s"] == 0.01);
    for (const auto& t : q["tasks"]) {
        if (t["name"] == "job") {
            CHECK(t["state"] == "completed");
            CHECK(t["end_s"] == 0.01);
        }
    }
}

TEST_CASE("the same seed gives byte-identical JSON") {
    for (const char* lesson : {"1", "2"}) {
        const Result a = run_cli({"run", lesson, "--clock", "virtual", "--json", "--seed", "7"});
        const Result b = run_cli({"run", lesson, "--clock", "virtual", "--json", "--seed", "7"});
        CHECK(a.exit_code == 0);
        CHECK(a.out == b.out);
    }
}

TEST_CASE("bad usage: exit 2 and one clear line on stderr") {
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Case> cases{
        {{"run", "9"}, "there is no lesson 9; lessons are 1 to"},
        {{"run", "1", "--delays", "x"}, "--delays: 'x' is not valid"},
        {{"frobnicate"}, "unknown command 'frobnicate'"},
        {{"run", "1", "--frob"}, "--frob"},
        {{"run", "1", "--items", "3"}, "--items is not a knob of lesson 1 (tasks)"},
        {{"run", "1", "--demo", "nope"}, "lesson 1 has no demo 'nope'"},
        {{"run", "1", "--clock", "sundial"}, "sundial"},
        {{"run", "1", "--speed", "-2"}, "--speed"},
        {{"run", "1", "--clock", "1"}, "--clock: '1' is not valid; expected real or virtual"},
        // --speed: timers stay exact (no overflow at 1e-300) and the run ends within the hour.
        {{"run", "1", "--speed", "1e-300"}, "--speed: must be a number from 0.001 to 1000"},
        {{"run", "1", "--speed", "1e-308"}, "--speed: must be a number from 0.001 to 1000"},
        {{"run", "1", "--speed", "1001"}, "--speed: must be a number from 0.001 to 1000"},
        {{"run", "1", "--speed", "0.001"},
         "the run would take 6500 s of real time, more than an hour; use --speed 0.002 or more"},
        {{"run", "5", "--jobs", "1000", "--block", "10", "--tick", "1"},
         "--speed 1: the run would take"},
        // Knobs in range, but too big together.
        {{"run", "5", "--block", "10", "--tick", "0.001"},
         "--block ÷ --tick would make 10000 ticks while one job blocks; at most 2500"},
        {{"run", "6", "--urls", "1000", "--retries", "10"},
         "--urls × --retries would make 10000 retries, should every attempt fail"},
        {{"run", "2", "--timeout", "3600", "--work", "3600"},
         "the smaller of --timeout and --work would make 180000 steps"},
        {{"run", "abc"}, "'abc' is not a lesson number; lessons are 1 to 8"},
        {{"quiz", "1.5"}, "'1.5' is not a lesson number"},
        {{"run", "1", "--seed", "-1"}, "--seed: '-1' is not valid; expected a whole number"},
        {{"run", "1", "--seed", "99999999999999999999"}, "--seed: '99999999999999999999' is"},
        {{"run"}, "N"},
        {{"show", "0"}, "there is no lesson 0"},
        // An option whose value is missing says so, not that the next word was unexpected.
        {{"run", "1", "--delays", "--clock", "virtual"},
         "--delays needs a value, before --clock (see `asynclab run --help`)"},
        {{"run", "1", "--clock", "virtual", "--delays"},
         "--delays needs a value (see `asynclab run --help`)"},
        {{"quiz", "1", "--seed", "--json"},
         "--seed needs a value, before --json (see `asynclab quiz"},
        {{"run", "3", "extra"}, "unexpected argument: extra (see `asynclab run --help`)"},
        {{"run"}, "N is required (see `asynclab run --help`)"},
        // CLI11's own errors in the learner's language too.
        {{"--lang", "zh", "run", "3", "extra"}, "多余的参数：extra"},
        {{"--lang", "zh", "run"}, "缺少 N"},
        {{"--lang", "fr", "list"}, "--lang 'fr' is not a language of asynclab; valid: en, zh"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.args);
        const Result r = run_cli(c.args);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(line_count(r.err) == 1);
        CHECK(r.err.rfind("asynclab: ", 0) == 0);
        CHECK(r.err.find(c.says) != std::string::npos);
    }
}

TEST_CASE("run --help states the ranges: --speed's, and each knob's") {
    const Result r = run_cli({"run", "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("X from 0.001 to 1000 and such that the run takes at most an hour") !=
          std::string::npos);
    CHECK(r.out.find("how many blocking calls, 1 to 1000 (default 5)") != std::string::npos);
}

TEST_CASE("--help on every command and --version exit 0") {
    for (const auto& args : std::vector<std::vector<std::string>>{{"--help"},
                                                                  {"list", "--help"},
                                                                  {"run", "--help"},
                                                                  {"show", "--help"},
                                                                  {"--version"}}) {
        CAPTURE(args);
        const Result r = run_cli(args);
        CHECK(r.exit_code == 0);
        CHECK(!r.out.empty());
    }
}

TEST_CASE("prose output piped is plain text: no colour codes, a timeline, the figures") {
    const Result r = run_cli({"run", "1", "--clock", "virtual", "--demo", "concurrent"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(r.out.find("fetch C done") != std::string::npos);
    CHECK(r.out.find("makespan") != std::string::npos);
}

TEST_CASE("a demo named twice runs once, and the JSON counts it once") {
    const Result r = run_cli({"run", "1", "--clock", "virtual", "--json", "--demo", "sequential",
                              "--demo", "sequential"});
    REQUIRE(r.exit_code == 0);
    const json doc = json::parse(r.out);
    CHECK(doc["demos_chosen"] == 1);
    CHECK(doc["demos"].size() == 1);
}

TEST_CASE("asynclab with no command lists the lessons and the next step") {
    const Result r = run_cli({});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("1  tasks") != std::string::npos);
    CHECK(r.out.find("Run one with `asynclab run N`") != std::string::npos);
    CHECK(run_cli({"--no-color"}).out == r.out);
}

TEST_CASE("show and show --code") {
    const Result text = run_cli({"show", "2"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("swallowed-cancel") != std::string::npos);
    // Every lesson's words are filled in from a run at the defaults: no placeholder is left
    // (lesson 2 quotes C++'s "{ log(); throw; }", so a brace alone proves nothing).
    const std::regex placeholder(R"(\{(if |else|end|[a-z_][a-z0-9_.]*[ }:|]))");
    for (const std::string n : {"1", "2", "3", "4", "5", "6"}) {
        CAPTURE(n);
        const Result words = run_cli({"show", n});
        CHECK(words.exit_code == 0);
        CHECK(words.out.find("Figures below are from a run at the default knobs") !=
              std::string::npos);
        // The demos' Python code is not prose: its f-strings have braces of their own.
        const json doc = json::parse(run_cli({"show", n, "--json"}).out);
        std::string prose = words.out;
        for (const auto& demo : doc["demos"]) {
            const std::string code = demo["python"].get<std::string>();
            for (std::size_t at = 0, end = 0; at < code.size(); at = end + 1) {
                end = std::min(code.find('\n', at), code.size());
                const std::string line = code.substr(at, end - at);
                if (line.empty()) continue;
                for (auto p = prose.find(line); p != std::string::npos; p = prose.find(line))
                    prose.erase(p, line.size());
            }
        }
        CHECK(!std::regex_search(prose, placeholder));
        for (const auto& demo : doc["demos"]) {
            CHECK(!std::regex_search(demo["explain"].get<std::string>(), placeholder));
            CHECK(!demo["takeaway"].get<std::string>().empty());
            CHECK(!std::regex_search(demo["takeaway"].get<std::string>(), placeholder));
        }
    }
    CHECK(run_cli({"show", "4"}).out.find("ceil(10 / 3) x 1.000 = 4.000 s") != std::string::npos);
    const Result cpp = run_cli({"show", "1", "--code", "cpp"});
    CHECK(cpp.exit_code == 0);
    CHECK(cpp.out.find("Task<void> concurrent(Demo& demo)") != std::string::npos);
}

TEST_CASE("show --code is the asyncio twin unless cpp is asked for") {
    const Result code = run_cli({"show", "1", "--code"});
    CHECK(code.exit_code == 0);
    CHECK(code.out.find("async def concurrent(args):") != std::string::npos);
    CHECK(code.out.find("Task<") == std::string::npos);
    CHECK(run_cli({"show", "1", "--code", "python"}).out == code.out);
    CHECK(run_cli({"show", "1", "--code=python"}).out == code.out);
    CHECK(run_cli({"show", "1", "--code", "cpp"}).out != code.out);
    for (const std::string n : {"1", "2", "3", "4", "5", "6"}) {
        CAPTURE(n);
        const json listing = json::parse(run_cli({"show", n, "--code", "--json"}).out);
        CHECK(listing["file"].get<std::string>().starts_with("lessons/python/0" + n + "_"));
        CHECK(listing["source"].get<std::string>().find("async def") != std::string::npos);
        CHECK(json::parse(run_cli({"show", n, "--code", "cpp", "--json"}).out)["file"]
                  .get<std::string>()
                  .ends_with(".cpp"));
    }
}

TEST_CASE("show N gives each demo's words with its async def, and where the whole twin is") {
    const Result words = run_cli({"show", "2"});
    CHECK(words.exit_code == 0);
    const auto at = [&](const std::string& s) { return words.out.find(s); };
    // Each demo's function follows its explanation and comes before the next demo's heading.
    CHECK(at("async def wait_for(args):") != std::string::npos);
    CHECK(at("1. wait-for") < at("async def wait_for(args):"));
    CHECK(at("async def wait_for(args):") < at("2. timeout-scope"));
    CHECK(at("async def swallowed_cancel(args):") > at("4. swallowed-cancel"));
    // Only the demo's own function: the helpers it calls are in the whole program.
    CHECK(at("async def slow_job(") == std::string::npos);
    CHECK(at("asynclab show 2 --code > 02_timeouts.py; python3 02_timeouts.py") !=
          std::string::npos);
    const json doc = json::parse(run_cli({"show", "2", "--json"}).out);
    CHECK(doc["twin"] == "lessons/python/02_timeouts.py");
    CHECK(doc["demos"][1]["python"].get<std::string>().starts_with("async def timeout_scope("));
}

TEST_CASE("show --code with a listing that does not exist: one line naming the valid ones") {
    for (const std::string bad : {"rust", "c++", "Python", "2"}) {
        CAPTURE(bad);
        const Result r = run_cli({"show", "1", "--code", bad});
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == "asynclab: --code: '" + bad +
                           "' is not valid; expected python or cpp (see `asynclab show --help`)\n");
    }
}

TEST_CASE("run names each demo's asyncio twin under its heading") {
    const Result r = run_cli({"run", "2", "--clock", "virtual", "--no-pause"});
    CHECK(r.exit_code == 0);
    for (const std::string fn : {"wait_for", "timeout_scope", "cancel", "swallowed_cancel"}) {
        CAPTURE(fn);
        CHECK(r.out.find("asyncio twin: async def " + fn + "() in 02_timeouts.py\n") !=
              std::string::npos);
    }
}

TEST_CASE("--trace writes a Chrome trace that names every demo") {
    const auto path = std::filesystem::temp_directory_path() / "asynclab-test-trace.json";
    const Result r = run_cli({"run", "1", "--clock", "virtual", "--trace", path.string()});
    CHECK(r.exit_code == 0);
    std::ifstream in(path);
    const json trace = json::parse(in);
    CHECK(trace["traceEvents"].size() > 10);
    std::filesystem::remove(path);
    CHECK(run_cli({"run", "1", "--trace", "/nonexistent/dir/t.json"}).exit_code == 2);
}

TEST_CASE("Ctrl-C during a real-clock run cancels the tasks, shows what happened, exits 130") {
    Child child({"run", "1", "--demo", "concurrent"});
    REQUIRE(child.read_until("fetch C started"));
    child.signal(SIGINT);
    const Result r = child.finish();
    CHECK(r.exit_code == 130);
    CHECK(r.out.find("Interrupted") != std::string::npos);
}

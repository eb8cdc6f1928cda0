// Progress on disk: a process killed at any point of a write leaves a good file; concurrent
// writers all land; a corrupt, foreign, too-new or unreadable file never crashes anything; and
// `run`, `list`, `progress` and `progress --reset` end to end.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "progress/progress_store.hpp"
#include "quiz_helpers.hpp"

using namespace asynclab::cli;
using namespace asynclab::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// A store that collects its warnings instead of printing them.
struct Quiet {
    explicit Quiet(const fs::path& dir) : store(dir) {
        store.warn = [this](const std::string& w) { warnings.push_back(w); };
    }
    ProgressStore store;
    std::vector<std::string> warnings;
};

int runs_of(const fs::path& dir, int lesson = 1) {
    Quiet q(dir);
    const int runs = q.store.load().of(lesson).runs;
    CHECK(q.warnings.empty());
    return runs;
}

bool add_run(const fs::path& dir, int lesson = 1) {
    Quiet q(dir);
    return q.store.update([&](Progress& p) { p.record_run(lesson, "2025-01-01T00:00:00Z"); });
}

/// Runs `body` in a child process; returns how it ended (a signal as 128 + its number).
template <class F>
int in_child(F body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        body();
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<fs::path> files_starting(const fs::path& dir, const std::string& prefix) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
    }
    return out;
}

}  // namespace

TEST_CASE("the JSON form round-trips and is read strictly") {
    Progress p;
    p.record_run(2, "t1");
    p.record_quiz(2, {.right = 5, .total = 7}, false, "t2");
    p.record_quiz(2, {.right = 7, .total = 7}, true, "t3");
    p.record_quiz(2, {.right = 1, .total = 7}, false, "t4");
    const json doc = json::parse(progress_to_json(p).dump());
    CHECK(doc["format"] == "asynclab-progress");
    CHECK(doc["version"] == 1);
    const Progress back = progress_from_json(doc);
    const LessonProgress l = back.of(2);
    CHECK(l.runs == 1);
    CHECK(l.quiz_attempts == 3);
    CHECK(l.best->right == 7);
    CHECK(l.passed);  // a worse attempt later does not un-pass
    CHECK(l.last_quiz == "t4");
    CHECK(back.of(1).runs == 0);

    CHECK_THROWS_AS(progress_from_json(json::parse("[1]")), ProgressFormatError);
    CHECK_THROWS_AS(progress_from_json(json::parse(R"({"name":"x"})")), ProgressFormatError);
    CHECK_THROWS_AS(progress_from_json(json::parse(R"({"format":"asynclab-progress"})")),
                    ProgressFormatError);
    CHECK_THROWS_AS(
        progress_from_json(json::parse(R"({"format":"asynclab-progress","version":2})")),
        ProgressTooNew);
    CHECK_THROWS_AS(
        progress_from_json(json::parse(
            R"({"format":"asynclab-progress","version":1,"lessons":{"1":{"runs":"3"}}})")),
        ProgressFormatError);
    CHECK_THROWS_AS(progress_from_json(json::parse(
                        R"({"format":"asynclab-progress","version":1,"lessons":{"x":{}}})")),
                    ProgressFormatError);
    CHECK_THROWS_AS(
        progress_from_json(json::parse(
            R"({"format":"asynclab-progress","version":1,"lessons":{"1":{"best_score":{"right":9,"total":7}}}})")),
        ProgressFormatError);
}

TEST_CASE("a process killed while writing progress leaves the previous file intact") {
    using Stage = ProgressStore::Stage;
    for (const Stage stage : {Stage::TempHalfWritten, Stage::TempSynced, Stage::Renamed}) {
        CAPTURE(static_cast<int>(stage));
        const TempHome home;
        REQUIRE(add_run(home.path()));
        const int how = in_child([&] {
            Quiet q(home.path());
            q.store.on_stage = [stage](Stage s) {
                if (s == stage) ::raise(SIGKILL);
            };
            q.store.update([](Progress& p) { p.record_run(1, "killed"); });
        });
        CHECK(how == 128 + SIGKILL);
        // Killed before the rename: the old file, whole. After it: the new one, whole.
        CHECK(runs_of(home.path()) == (stage == Stage::Renamed ? 2 : 1));
        // The next writer clears the dead one's temporary file.
        REQUIRE(add_run(home.path()));
        CHECK(runs_of(home.path()) == (stage == Stage::Renamed ? 3 : 2));
        CHECK(files_starting(home.path(), "progress.json.tmp-").empty());
    }
}

TEST_CASE("concurrent writers all land") {
    const TempHome home;
    constexpr int writers = 6;
    constexpr int each = 25;
    std::vector<pid_t> children;
    for (int w = 0; w < writers; ++w) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            bool ok = true;
            for (int i = 0; i < each; ++i) ok = add_run(home.path(), 1 + w % 2) && ok;
            ::_exit(ok ? 0 : 1);
        }
        children.push_back(pid);
    }
    for (const pid_t pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
    CHECK(runs_of(home.path(), 1) == writers / 2 * each);
    CHECK(runs_of(home.path(), 2) == writers / 2 * each);
}

TEST_CASE("two asynclab processes finishing at the same moment lose neither's result") {
    const TempHome home;
    std::vector<Spawned> children;
    for (int i = 0; i < 6; ++i) {
        children.emplace_back(std::vector<std::string>{"quiz", "1", "--seed", "1", "--answers",
                                                       placeholder_answers(1, 1)},
                              std::vector<std::string>{home.env()});
        children.emplace_back(
            std::vector<std::string>{"run", "1", "--clock", "virtual", "--demo", "sequential"},
            std::vector<std::string>{home.env()});
    }
    for (auto& c : children) {
        const SpawnResult r = c.finish();
        CHECK(r.err.empty());
    }
    Quiet q(home.path());
    const LessonProgress p = q.store.load().of(1);
    CHECK(p.quiz_attempts == 6);
    CHECK(p.runs == 6);
}

TEST_CASE(
    "a corrupt or foreign file is set aside with a one-line warning and a fresh one started") {
    for (const std::string& junk :
         {std::string("{\"format\":\"asynclab-progress\",\"vers"),
          std::string("\x00\xff garbage", 10), std::string(R"({"some":"other program"})"),
          std::string("[]"), std::string("")}) {
        const TempHome home;
        spit(home.file(), junk);
        const SpawnResult r =
            launch({"run", "1", "--clock", "virtual", "--demo", "sequential"}, {home.env()});
        CHECK(r.exit_code == 0);
        CHECK(lines(r.err) == 1);
        CHECK(r.err.starts_with("asynclab: warning: "));
        CHECK(r.err.find("moved it to progress.json.corrupt-") != std::string::npos);
        const auto aside = files_starting(home.path(), "progress.json.corrupt-");
        REQUIRE(aside.size() == 1);
        CHECK(slurp(aside[0]) == junk);
        CHECK(runs_of(home.path()) == 1);
    }
}

TEST_CASE(
    "a file from a newer asynclab is left alone; a directory or unreadable file never crashes") {
    SUBCASE("newer") {
        const TempHome home;
        const std::string newer = R"({"format":"asynclab-progress","version":99,"lessons":{}})";
        spit(home.file(), newer);
        const SpawnResult r = launch(
            {"quiz", "1", "--seed", "1", "--answers", placeholder_answers(1, 1)}, {home.env()});
        CHECK(r.exit_code == 1);
        CHECK(lines(r.err) == 1);
        CHECK(r.err.find("newer asynclab") != std::string::npos);
        CHECK(slurp(home.file()) == newer);
    }
    SUBCASE("a directory in the file's place") {
        const TempHome home;
        fs::create_directory(home.file());
        for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
                 {"list"},
                 {"progress"},
                 {"run", "1", "--clock", "virtual", "--demo", "sequential"}}) {
            CAPTURE(args);
            const SpawnResult r = launch(args, {home.env()});
            CHECK(r.exit_code == 0);
            CHECK(lines(r.err) == 1);
            CHECK(r.err.find("it is a directory") != std::string::npos);
        }
        CHECK(fs::is_directory(home.file()));
    }
    SUBCASE("ASYNCLAB_HOME is a file") {
        const TempHome home;
        spit(home.path() / "f", "x");
        const SpawnResult r = launch({"run", "1", "--clock", "virtual", "--demo", "sequential"},
                                     {"ASYNCLAB_HOME=" + (home.path() / "f").string()});
        CHECK(r.exit_code == 0);
        CHECK(lines(r.err) == 1);
        CHECK(r.err.find("progress is not saved") != std::string::npos);
    }
    SUBCASE("unreadable") {
        if (::geteuid() == 0) return;  // root reads anything
        const TempHome home;
        REQUIRE(add_run(home.path()));
        ::chmod(home.file().c_str(), 0);
        const SpawnResult r =
            launch({"run", "1", "--clock", "virtual", "--demo", "sequential"}, {home.env()});
        CHECK(r.exit_code == 0);
        CHECK(lines(r.err) == 1);
        ::chmod(home.file().c_str(), 0600);
        CHECK(runs_of(home.path()) == 1);
    }
    SUBCASE("HOME unset, no ASYNCLAB_HOME or XDG_STATE_HOME") {
        const SpawnResult r =
            launch({"quiz", "1", "--seed", "1", "--answers", placeholder_answers(1, 1)}, {"-HOME"});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("Score") == std::string::npos);
        CHECK(r.out.find("Score: ") != std::string::npos);
    }
    SUBCASE("XDG_STATE_HOME is used when ASYNCLAB_HOME is not set") {
        const TempHome home;
        const SpawnResult r = launch({"run", "1", "--clock", "virtual", "--demo", "sequential"},
                                     {"XDG_STATE_HOME=" + home.path().string()});
        CHECK(r.exit_code == 0);
        CHECK(runs_of(home.path() / "asynclab") == 1);
    }
}

TEST_CASE("run records a lesson run; an interrupted or failed one does not") {
    const TempHome home;
    CHECK(launch({"run", "2", "--clock", "virtual", "--json"}, {home.env()}).exit_code == 0);
    CHECK(launch({"run", "2", "--clock", "virtual", "--demo", "cancel"}, {home.env()}).exit_code ==
          0);
    CHECK(launch({"run", "2", "--clock", "virtual", "--demo", "nope"}, {home.env()}).exit_code ==
          2);
    CHECK(runs_of(home.path(), 2) == 2);
    const SpawnResult list = launch({"list"}, {home.env()});
    CHECK(list.out.find("ran 2") != std::string::npos);
}

TEST_CASE("progress shows every lesson; --reset --yes erases") {
    const TempHome home;
    REQUIRE(add_run(home.path(), 3));
    const SpawnResult table = launch({"progress"}, {home.env()});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find(home.file().string()) != std::string::npos);
    CHECK(table.out.find("0 lessons passed, 0 quiz attempts, 1 run") != std::string::npos);
    CHECK(table.out.find("Next: asynclab run 1") != std::string::npos);
    const json j = json::parse(launch({"progress", "--json"}, {home.env()}).out);
    CHECK(j["lessons"].size() == 8);
    CHECK(j["lessons"][2]["runs"] == 1);
    CHECK(j["next"] == 1);

    const SpawnResult refused = launch({"progress", "--reset"}, {home.env()}, "y\n");
    CHECK(refused.exit_code == 2);  // a pipe cannot confirm
    CHECK(runs_of(home.path(), 3) == 1);
    const SpawnResult reset = launch({"progress", "--reset", "--yes"}, {home.env()});
    CHECK(reset.exit_code == 0);
    CHECK(runs_of(home.path(), 3) == 0);
}

TEST_CASE("a count at its limit, or past it, stays one the reader accepts") {
    const TempHome home;
    spit(home.file(),
         R"({"format":"asynclab-progress","version":1,"lessons":{"1":{"runs":1000000000,)"
         R"("quiz_attempts":18446744073709551615},"2":{"runs":5000000000}}})");
    Quiet writer(home.path());
    REQUIRE(writer.store.update([](Progress& p) {
        p.record_run(1, "2025-01-01T00:00:00Z");
        p.record_quiz(1, {.right = 1, .total = 2}, false, "2025-01-01T00:00:00Z");
    }));
    CHECK(writer.warnings.empty());
    Quiet reader(home.path());
    const LessonProgress l = reader.store.load().of(1);
    CHECK(reader.warnings.empty());
    CHECK(l.runs == max_count);
    CHECK(l.quiz_attempts == max_count);
    CHECK(reader.store.load().of(2).runs == max_count);
    CHECK(files_starting(home.path(), "progress.json.corrupt").empty());
    // Still a count: a negative one is not.
    CHECK_THROWS_AS(
        progress_from_json(json::parse(
            R"({"format":"asynclab-progress","version":1,"lessons":{"1":{"runs":-1}}})")),
        ProgressFormatError);
}

TEST_CASE("list and progress read while another process holds the lock") {
    const TempHome home;
    REQUIRE(add_run(home.path(), 2));
    // This process plays a writer stuck with the lock. It holds it for up to 5 s, half of what a
    // writer waits for it, so a reader that took the lock would still be waiting when it lets go.
    const int lock = ::open((home.path() / "progress.lock").c_str(), O_RDWR | O_CREAT, 0600);
    REQUIRE(lock >= 0);
    REQUIRE(::flock(lock, LOCK_EX) == 0);
    Spawned list({"list"}, {home.env()});
    Spawned progress({"progress", "--json"}, {home.env()});
    const bool list_ended = list.ended_within(std::chrono::seconds(5));
    const bool progress_ended = progress.ended_within(std::chrono::seconds(1));
    ::close(lock);  // lets go
    CHECK(list_ended);
    CHECK(progress_ended);
    const SpawnResult l = list.finish();
    CHECK(l.exit_code == 0);
    CHECK(l.err == "");
    CHECK(l.out.find("ran 1") != std::string::npos);
    const SpawnResult p = progress.finish();
    CHECK(p.exit_code == 0);
    CHECK(json::parse(p.out)["lessons"][1]["runs"] == 1);
}

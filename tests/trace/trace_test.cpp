// `asynclab trace PROG.py`: small asyncio programs (tests/trace/programs/) run under the recorder
// with the virtual clock, their --json checked for exact lanes, waits, states and times; hangs
// explained by their wait-for chain; mistakes named with file and line; the program's own failures
// shown as its traceback; bad input and a missing or old python3 refused in one line.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "process.hpp"

using namespace asynclab::testing;
using Json = nlohmann::json;

namespace {

const std::string programs = ASYNCLAB_TRACE_PROGRAMS;

/// PATH with the python3 the build found first, so the test does not depend on the shell's.
std::string python_path() {
    return fmt::format("PATH={}:/usr/bin:/bin",
                       std::filesystem::path(ASYNCLAB_TRACE_PYTHON).parent_path().string());
}

std::vector<std::string> env() {
    return {python_path(), "COLUMNS=80", "NO_COLOR=1"};
}

Result trace(const std::string& program, std::vector<std::string> extra = {},
             const std::vector<std::string>& environment = env()) {
    std::vector<std::string> args{"trace", "--clock", "virtual", "--json",
                                  programs + "/" + program};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args, environment);
}

Json demo_of(const Result& r) {
    const Json doc = Json::parse(r.out);
    REQUIRE(doc.at("schema") == 1);
    return doc.at("demos").at(0);
}

/// "name:state:start_s-end_s" of each task, in creation order.
std::vector<std::string> lanes(const Json& demo) {
    std::vector<std::string> out;
    for (const Json& t : demo.at("tasks")) {
        out.push_back(fmt::format("{}:{}:{:g}-{}", t.at("name").get<std::string>(),
                                  t.at("state").get<std::string>(), t.at("start_s").get<double>(),
                                  t.at("end_s").is_null()
                                      ? std::string("-")
                                      : fmt::format("{:g}", t.at("end_s").get<double>())));
    }
    return out;
}

/// "t_s task wait" of each suspension of task `id`.
std::vector<std::string> waits(const Json& demo, int id) {
    std::vector<std::string> out;
    for (const Json& e : demo.at("events")) {
        if (e.at("type") != "suspended" || e.at("task") != id) continue;
        out.push_back(
            fmt::format("{:g} {}", e.at("t_s").get<double>(), e.at("detail").get<std::string>()));
    }
    return out;
}

}  // namespace

TEST_CASE("gather: one lane per task, named by its coroutine, with exact sleeps, results, output") {
    const Result r = trace("gather.py");
    REQUIRE(r.exit_code == 0);
    const Json demo = demo_of(r);
    CHECK(lanes(demo) == std::vector<std::string>{"main:completed:0-1.5", "fetch:completed:0-1",
                                                  "fetch-2:completed:0-1.5",
                                                  "fetch-3:completed:0-0.5"});
    CHECK(demo.at("tasks").at(1).at("parent") == 1);
    CHECK(demo.at("tasks").at(1).at("result") == 1.0);
    CHECK(waits(demo, 1) == std::vector<std::string>{"0 gather"});
    CHECK(waits(demo, 4) == std::vector<std::string>{"0 sleep"});
    CHECK(demo.at("output").at(3) == Json{{"t_s", 0.5}, {"task", 4}, {"text", "done c"}});
    CHECK(demo.at("output").back() == Json{{"t_s", 1.5}, {"task", 1}, {"text", "[1.0, 1.5, 0.5]"}});
    CHECK(demo.at("metrics") == Json{{"tasks", 4}, {"peak_concurrency", 4}, {"makespan_s", 1.5}});
    CHECK(demo.at("outcome") == "ok");
    CHECK(demo.at("findings").empty());
}

TEST_CASE("every kind of wait is named: event, semaphore, lock, a full and an empty queue") {
    const Json demo = demo_of(trace("waits.py"));
    CHECK(lanes(demo) == std::vector<std::string>{"main:completed:0-0.6", "w0:completed:0-0.25",
                                                  "w1:completed:0-0.6"});
    CHECK(waits(demo, 3) == std::vector<std::string>{"0 event.wait", "0.1 semaphore.acquire",
                                                     "0.2 sleep", "0.3 sleep",
                                                     "0.35 queue.put (full)"});
    CHECK(waits(demo, 1) == std::vector<std::string>{"0 sleep", "0.1 sleep",
                                                     "0.6 queue.get (empty)", "0.6 wait_for"});
}

TEST_CASE("to_thread: the wait is a pool thread's, and its sleep takes virtual time") {
    const Result r = trace("to_thread.py");
    REQUIRE(r.exit_code == 0);
    const Json demo = demo_of(r);
    // Awaited directly, to_thread is no task of its own: main waits on the pool.
    CHECK(lanes(demo) == std::vector<std::string>{"main:completed:0-0.5"});
    CHECK(waits(demo, 1) == std::vector<std::string>{"0 to_thread (running on a pool thread)"});
    CHECK(demo.at("output").at(0).at("text") == "7");
}

TEST_CASE("joining the pool under a timeout (asyncio.run from 3.13) takes no virtual time") {
    const Result r = trace("pool_shutdown.py");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const Json demo = demo_of(r);
    // The clock stands still while the joining thread works: it does not jump to the timeout.
    CHECK(lanes(demo) == std::vector<std::string>{"main:completed:0-0.5"});
    CHECK(demo.at("output").at(1).at("text") == "joined");
}

TEST_CASE("a hang: queue.join without task_done stops with the wait-for chain, exit 1") {
    const Result r = trace("queue_join_hang.py");
    CHECK(r.exit_code == 1);
    const Json demo = demo_of(r);
    CHECK(demo.at("outcome") == "hang");
    CHECK(lanes(demo) == std::vector<std::string>{"main:pending:0--", "worker:pending:0--"});
    const Json& stuck = demo.at("stuck");
    REQUIRE(stuck.size() == 2);
    CHECK(stuck.at(0) == Json{{"task", 1},
                              {"wait", "queue.join"},
                              {"name", "queue"},
                              {"file", programs + "/queue_join_hang.py"},
                              {"line", 13},
                              {"could_release", {2}},
                              {"count", 2}});
    CHECK(stuck.at(1).at("wait") == "queue.get");
    CHECK(stuck.at(1).at("line") == 5);
    CHECK(stuck.at(1).at("could_release") == Json{1});

    // In words, on the page.
    const Result page =
        run_cli({"trace", "--clock", "virtual", programs + "/queue_join_hang.py"}, env());
    CHECK(page.exit_code == 1);
    CHECK(page.out.find("  main (queue_join_hang.py:13) waits on queue.join: 2 items put into the "
                        "queue\n  never got task_done(); worker took items and never called it "
                        "(lesson 3).\n") != std::string::npos);
}

TEST_CASE("a hang: a lock never released names the task that holds it") {
    const Result r = trace("lock_hang.py");
    CHECK(r.exit_code == 1);
    const Json demo = demo_of(r);
    CHECK(lanes(demo) == std::vector<std::string>{"main:pending:0--", "careless:completed:0-0",
                                                  "polite:pending:0--"});
    const Json& stuck = demo.at("stuck");
    REQUIRE(stuck.size() == 2);
    CHECK(stuck.at(0).at("wait") == "gather");
    CHECK(stuck.at(0).at("could_release") == Json{3});
    CHECK(stuck.at(1).at("wait") == "lock");
    CHECK(stuck.at(1).at("line") == 8);
    CHECK(stuck.at(1).at("could_release") == Json{2});
}

TEST_CASE("mistakes: never awaited, exception never retrieved, time.sleep blocking the loop") {
    const Result r = trace("mistakes.py");
    CHECK(r.exit_code == 0);
    const Json demo = demo_of(r);
    const Json& f = demo.at("findings");
    REQUIRE(f.size() == 3);
    CHECK(f.at(0).at("kind") == "never-awaited");
    CHECK(f.at(0).at("what") == "fetch");
    CHECK(f.at(0).at("line") == 10);
    CHECK(f.at(1).at("kind") == "unretrieved");
    CHECK(f.at(1).at("what") == "ValueError");
    CHECK(f.at(1).at("message") == "bad input");
    CHECK(f.at(1).at("line") == 11);
    CHECK(f.at(2).at("kind") == "blocking-call");
    CHECK(f.at(2).at("what") == "time.sleep");
    CHECK(f.at(2).at("t_s") == 0.2);
    CHECK(f.at(2).at("held_s") == 0.5);
    CHECK(f.at(2).at("line") == 13);
    // Drawn as holding the loop: main resumed at 0.2 and next waits at 0.7.
    CHECK(waits(demo, 1) == std::vector<std::string>{"0 sleep", "0.7 sleep"});
    CHECK(lanes(demo) == std::vector<std::string>{"main:completed:0-0.8", "boom:failed:0-0"});

    const Result page = run_cli({"trace", "--clock", "virtual", programs + "/mistakes.py"}, env());
    CHECK(page.out.find("mistakes.py:13 time.sleep blocked the loop for 0.500 s in task main") !=
          std::string::npos);
    CHECK(page.out.find("(lesson 5: asynclab run 5;") != std::string::npos);
}

TEST_CASE("trace speaks the learner's language: heading, mistakes and stuck tasks in Chinese") {
    const Result mistakes =
        run_cli({"--lang", "zh", "trace", "--clock", "virtual", programs + "/mistakes.py"}, env());
    CHECK(mistakes.exit_code == 0);
    CHECK(mistakes.out.find("追踪 · mistakes.py") != std::string::npos);
    CHECK(mistakes.out.find("要改的错误：") != std::string::npos);
    CHECK(mistakes.out.find("time.sleep 在任务 main 里阻塞了事件循环 0.500 秒") !=
          std::string::npos);
    CHECK(mistakes.out.find("blocked the loop") == std::string::npos);

    const Result hang = run_cli(
        {"--lang", "zh", "trace", "--clock", "virtual", programs + "/queue_join_hang.py"}, env());
    CHECK(hang.exit_code == 1);
    CHECK(hang.out.find("程序卡住了") != std::string::npos);
    CHECK(hang.out.find("在等待 queue.get（队列为空）") != std::string::npos);

    const Result directory = run_cli({"--lang", "zh", "trace", programs}, env());
    CHECK(directory.exit_code == 2);
    CHECK(directory.err.find("无法读取：它是一个目录") != std::string::npos);
}

TEST_CASE("the program's exception is its own traceback, pointing at its file, exit 1") {
    const Result r = trace("crash.py");
    CHECK(r.exit_code == 1);
    CHECK(demo_of(r).at("outcome") == "exception");
    CHECK(demo_of(r).at("error") == "RuntimeError: oops");
    CHECK(r.err.find(fmt::format("File \"{}/crash.py\", line 4, in main", programs)) !=
          std::string::npos);
    CHECK(r.err.find("RuntimeError: oops") != std::string::npos);
    CHECK(r.err.find("asynclab") == std::string::npos);  // none of the recorder's frames
    CHECK(r.err.find("runpy") == std::string::npos);

    const Result syntax = trace("syntax_error.py");
    CHECK(syntax.exit_code == 1);
    CHECK(syntax.err.find("syntax_error.py\", line 2") != std::string::npos);
    CHECK(syntax.err.find("SyntaxError: invalid syntax") != std::string::npos);
    CHECK(demo_of(syntax).at("tasks").empty());
}

TEST_CASE("the program's arguments are its own, options after PROG included") {
    const Result r = trace("args.py", {"--n", "3", "--json", "x"});
    REQUIRE(r.exit_code == 0);
    CHECK(demo_of(r).at("output").at(0).at("text") == "--n 3 --json x");
}

TEST_CASE("real I/O under the virtual clock: one clear line, exit 1") {
    const Result r = trace("socket_io.py");
    CHECK(r.exit_code == 1);
    const Json demo = demo_of(r);
    CHECK(demo.at("outcome") == "real-io");
    CHECK(demo.at("real_io").at("line") == 5);
    const Result page = run_cli({"trace", "--clock", "virtual", programs + "/socket_io.py"}, env());
    CHECK(page.out.find("socket_io.py:5 socket does real I/O, which the virtual clock cannot "
                        "time") != std::string::npos);
}

TEST_CASE("a saved trace redraws byte for byte with view") {
    for (const char* program : {"gather.py", "mistakes.py", "lock_hang.py", "syntax_error.py"}) {
        CAPTURE(program);
        const std::string path =
            fmt::format("{}/asynclab-trace-view-{}.json",
                        std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp", getpid());
        std::ofstream(path) << trace(program).out;
        const Result shown =
            run_cli({"trace", "--clock", "virtual", programs + "/" + program}, env());
        const Result viewed = run_cli({"view", path}, env());
        CHECK(viewed.exit_code == 0);
        CHECK(viewed.out == shown.out);
        std::remove(path.c_str());
    }
}

TEST_CASE("--timeout stops a program that runs too long, exit 1") {
    const Result r =
        run_cli({"trace", "--json", "--timeout", "0.5", programs + "/forever.py"}, env());
    CHECK(r.exit_code == 1);
    CHECK(demo_of(r).at("outcome") == "timed-out");
}

TEST_CASE("Ctrl-C stops the program and asynclab exits 130 with what happened so far") {
    Child child({"trace", programs + "/forever.py"}, env());
    REQUIRE(child.read_until("ready"));
    child.signal(SIGINT);
    const Result r = child.finish();
    CHECK(r.exit_code == 130);
    CHECK(r.out.find("Interrupted: the program was stopped") != std::string::npos);
}

TEST_CASE("bad input: a missing file, no python3, an old python3") {
    const Result missing = run_cli({"trace", programs + "/no_such.py"}, env());
    CHECK(missing.exit_code == 2);
    CHECK(line_count(missing.err) == 1);
    CHECK(missing.err.find("no_such.py: cannot read it: No such file or directory") !=
          std::string::npos);

    const Result none = trace("gather.py", {}, {"PATH=/nonexistent"});
    CHECK(none.exit_code == 1);
    CHECK(none.err ==
          "asynclab: trace needs python3 (3.9 or newer) on PATH, and no directory of PATH has "
          "one\n");

    // A python3 that says it is 3.8, as the recorder's first event would.
    const std::string dir =
        fmt::format("{}/asynclab-old-python-{}",
                    std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp", getpid());
    std::filesystem::create_directories(dir);
    const std::string fake = dir + "/python3";
    std::ofstream(fake) << "#!/bin/sh\necho '[\"hello\", [3, 8, 10], \"virtual\"]' >&3\nexit 3\n";
    ::chmod(fake.c_str(), 0755);
    const Result old = trace("gather.py", {}, {"PATH=" + dir + ":/usr/bin:/bin"});
    CHECK(old.exit_code == 1);
    CHECK(old.err ==
          fmt::format("asynclab: trace needs Python 3.9 or newer; {} is Python 3.8.10\n", fake));
    // Not a Python at all.
    std::ofstream(fake) << "#!/bin/sh\nexit 0\n";
    const Result odd = trace("gather.py", {}, {"PATH=" + dir + ":/usr/bin:/bin"});
    CHECK(odd.exit_code == 1);
    CHECK(odd.err.find("did not start asynclab's recorder") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("the same mistake at the same place is one line: how often, how long in all, by whom") {
    const Result page =
        run_cli({"trace", "--clock", "virtual", programs + "/repeated_block.py"}, env());
    CHECK(page.exit_code == 0);
    CHECK(
        page.out.find("repeated_block.py:7 time.sleep blocked the loop 3 times, 0.300 s in all,") !=
        std::string::npos);
    CHECK(page.out.find("step, step-2: no other task") != std::string::npos);
    CHECK(page.out.find("A mistake to fix:") != std::string::npos);
    // --json keeps each one: the grouping is the page's.
    const Json demo = demo_of(trace("repeated_block.py"));
    CHECK(demo.at("findings").size() == 3);
}

TEST_CASE("under the virtual clock the program's own clocks read it: time.monotonic, perf_counter") {
    const Json demo = demo_of(trace("clocks.py"));
    REQUIRE(demo.at("output").size() == 1);
    CHECK(demo.at("output").at(0).at("text") == "0.25 0.25 0.25 0.25");
}

// The oracle: what learners see is what asyncio does.
//
// tests/oracle/*.py are lessons 3 and 4 written as plain asyncio programs, line for line the same
// as the C++ demos (same tasks, same spawn order, same prints). virtual_asyncio.py runs them on
// asyncio's own event loop with a virtual clock: exact nanosecond times, timers due at the same
// instant firing in the order they were set (the engine's documented rule; asyncio leaves that
// order unspecified). Each prints the lines its demo printed, with their time and task, plus the
// run's duration and metrics.
//
// This test runs each program for several knob settings and the same demo in-process on the
// engine, and requires the two to agree exactly: the same lines, in the same order, printed by the
// same task at the same nanosecond — so the same worker handled the same item at the same time and
// the same task acquired the same permit at the same time — and the same duration and metrics.
// The order of lines printed at the same instant is compared too: the engine interleaves tasks
// exactly as asyncio does (FIFO ready queue, a turn runs what was ready when it began, timer and
// wake-up callbacks take asyncio's hops), so there is no legitimate reordering to allow for.
//
// Barging. The engine's Queue, Lock and Semaphore hand what they release to the longest waiter,
// and a task arriving before that waiter runs cannot take it; asyncio's Lock and Semaphore (3.11)
// behave the same, but its Queue does not: a task calling get() while a woken getter has not yet
// run takes the item it was woken for, and the woken getter waits again at the back. The demos and
// knob settings here never give a newcomer that chance, so the two queues agree:
// - A getter is woken only by a put, and the producer puts only in a turn of its own: at the
//   start, or woken by a get that made room or by the last task_done. The woken getters run on
//   the next turn, and that turn holds nothing else: with --work > 0, workers come back from their
//   work only on the first turn at a new time, which holds nothing but the timers that woke them
//   (the clock moves only when nothing is ready), so no worker reaches get() between a put and the
//   getter it woke. With --work 0 a worker's sleep(0) would put it in exactly that turn: such
//   settings are left out.
// - There is one producer, so nobody can barge in on a slot freed for a woken put.
// - Lesson 4's tasks all start at once and each calls acquire() in the first turn, before any
//   permit or the lock is released: no task ever arrives while a woken waiter is pending. (Both
//   sides also forbid barging there anyway.)

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "../lessons/lesson_helpers.hpp"

using namespace asynclab;

namespace {

using KnobMap = std::map<std::string, std::string>;

/// One printed line: when, which task, what.
struct Line {
    std::int64_t t_ns = 0;
    std::string task;
    std::string text;
    friend bool operator==(const Line&, const Line&) = default;
};

struct Observed {
    std::vector<Line> lines;
    std::int64_t duration_ns = -1;
    nlohmann::json metrics;
};

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// Runs an oracle program and reads its JSON lines.
Observed run_oracle(const std::string& program, const std::vector<std::string>& args) {
    std::string command = shell_quote(ASYNCLAB_ORACLE_PYTHON) + " -B " +
                          shell_quote(std::string(ASYNCLAB_ORACLE_DIR) + "/" + program);
    for (const auto& a : args) command += " " + shell_quote(a);
    INFO("oracle: " << command);
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        out.append(buffer.data(), n);
    const int status = pclose(pipe);
    REQUIRE_MESSAGE(status == 0, "the oracle program failed: it needs python3 (3.11 or later)");

    Observed seen;
    std::size_t start = 0;
    while (start < out.size()) {
        std::size_t end = out.find('\n', start);
        if (end == std::string::npos) end = out.size();
        const auto j = nlohmann::json::parse(out.substr(start, end - start));
        if (j.contains("metrics")) {
            seen.duration_ns = j.at("duration_ns").get<std::int64_t>();
            seen.metrics = j.at("metrics");
        } else {
            seen.lines.push_back(Line{j.at("t_ns").get<std::int64_t>(),
                                      j.at("task").get<std::string>(),
                                      j.at("text").get<std::string>()});
        }
        start = end + 1;
    }
    REQUIRE_MESSAGE(seen.duration_ns >= 0, "the oracle printed no metrics line");
    return seen;
}

/// Runs the demo on the engine under the virtual clock.
Observed run_engine(int lesson, const std::string& demo, const KnobMap& knobs) {
    const lessons::DemoRun run = testing::run_demo(lesson, demo, knobs);
    REQUIRE_MESSAGE(!run.error.has_value(), run.error.value_or(""));
    Observed seen;
    for (const TraceEvent& e : run.trace.events()) {
        if (e.type != EventType::Log || e.name != channel::output) continue;
        const TaskInfo* task = run.trace.task(e.task);
        seen.lines.push_back(Line{e.t.count(), task != nullptr ? task->name : "?", std::string(e.text)});
    }
    seen.duration_ns = run.duration.count();
    seen.metrics = nlohmann::json::parse(testing::metrics_json(run).dump());
    return seen;
}

std::string listing(const std::vector<Line>& lines) {
    std::string out;
    for (const Line& l : lines) {
        out += fmt::format("  {:>13.9f}  {:<10} {}\n", static_cast<double>(l.t_ns) / 1e9, l.task,
                           l.text);
    }
    return out;
}

/// The first line where the two differ, with both listings.
std::string difference(const Observed& engine, const Observed& oracle) {
    std::size_t i = 0;
    while (i < engine.lines.size() && i < oracle.lines.size() &&
           engine.lines[i] == oracle.lines[i]) {
        ++i;
    }
    return fmt::format("first difference at line {}\nengine:\n{}asyncio:\n{}", i + 1,
                       listing(engine.lines), listing(oracle.lines));
}

std::vector<std::string> as_args(const KnobMap& knobs) {
    std::vector<std::string> args;
    for (const auto& [name, value] : knobs) {
        args.push_back("--" + name);
        args.push_back(value);
    }
    return args;
}

void compare(int lesson, const std::string& demo, const std::string& program,
             std::vector<std::string> extra_args, const KnobMap& knobs) {
    std::string setting = fmt::format("lesson {} {}", lesson, demo);
    for (const auto& [name, value] : knobs) setting += fmt::format(" --{} {}", name, value);
    CAPTURE(setting);
    std::vector<std::string> args = std::move(extra_args);
    for (auto& a : as_args(knobs)) args.push_back(std::move(a));

    const Observed oracle = run_oracle(program, args);
    const Observed engine = run_engine(lesson, demo, knobs);
    CHECK_MESSAGE(engine.lines == oracle.lines, difference(engine, oracle));
    CHECK(engine.duration_ns == oracle.duration_ns);
    CHECK_MESSAGE(engine.metrics == oracle.metrics,
                  "engine: " << engine.metrics.dump() << "\nasyncio: " << oracle.metrics.dump());
}

}  // namespace

TEST_CASE("oracle: lesson 3 backpressure is what asyncio.Queue does") {
    // Defaults, the issue's figures, unbounded, one worker, more workers than items, no items,
    // and uneven times. Every --work is above 0: see "Barging" at the top.
    const std::vector<KnobMap> settings{
        {},
        {{"workers", "4"}, {"maxsize", "1"}, {"items", "9"}},
        {{"maxsize", "0"}},
        {{"workers", "1"}, {"maxsize", "2"}, {"items", "5"}},
        {{"workers", "5"}, {"maxsize", "2"}, {"items", "3"}},
        {{"workers", "3"}, {"maxsize", "2"}, {"items", "12"}, {"work", "0.05"}},
        {{"workers", "3"}, {"maxsize", "5"}, {"items", "20"}, {"work", "0.013"}},
        {{"workers", "2"}, {"items", "0"}},
        {{"workers", "7"}, {"maxsize", "3"}, {"items", "40"}, {"work", "0.001"}},
    };
    for (const KnobMap& knobs : settings) compare(3, "backpressure", "queue_oracle.py", {}, knobs);
}

TEST_CASE("oracle: lesson 3 agrees over a sweep of workers, maxsize and items") {
    for (const char* workers : {"1", "2", "3", "4"}) {
        for (const char* maxsize : {"0", "1", "2", "3"}) {
            for (const char* items : {"1", "7"}) {
                compare(3, "backpressure", "queue_oracle.py", {},
                        {{"workers", workers}, {"maxsize", maxsize}, {"items", items}});
            }
        }
    }
}

TEST_CASE("oracle: lesson 4 limit is what asyncio.Semaphore does") {
    const std::vector<KnobMap> settings{
        {},
        {{"tasks", "12"}, {"limit", "4"}, {"work", "0.1"}},
        {{"tasks", "2"}, {"limit", "5"}},
        {{"tasks", "7"}, {"limit", "1"}, {"work", "0.3"}},
        {{"tasks", "9"}, {"limit", "3"}, {"work", "0"}},
    };
    for (const KnobMap& knobs : settings) {
        compare(4, "limit", "semaphore_oracle.py", {"--demo", "limit"}, knobs);
    }
}

TEST_CASE("oracle: lesson 4 lock is what asyncio.Lock does") {
    for (const char* tasks : {"10", "1", "2", "25"}) {
        compare(4, "lock", "semaphore_oracle.py", {"--demo", "lock"}, {{"tasks", tasks}});
    }
}

TEST_CASE("oracle: lesson 4 event is what asyncio.Event does") {
    const std::vector<KnobMap> settings{
        {},
        {{"tasks", "1"}, {"work", "0"}},
        {{"tasks", "5"}, {"work", "0.25"}},
    };
    for (const KnobMap& knobs : settings) {
        compare(4, "event", "semaphore_oracle.py", {"--demo", "event"}, knobs);
    }
}

TEST_CASE("oracle: with --work 0 asyncio's Queue lets a newcomer barge in, the engine's does not") {
    // The one deliberate difference, shown rather than hidden. With --work 0 a worker's sleep(0)
    // brings it back to get() in the same turn as the getter the producer just woke. asyncio hands
    // the item to whoever asks first, so w0 keeps taking every item while the woken w1 finds the
    // queue empty again and again; the engine keeps the item for the woken getter.
    const KnobMap knobs{{"workers", "2"}, {"maxsize", "1"}, {"items", "4"}, {"work", "0"}};
    const Observed oracle = run_oracle("queue_oracle.py", as_args(knobs));
    const Observed engine = run_engine(3, "backpressure", knobs);
    CHECK(oracle.metrics["handled_by"] ==
          nlohmann::json::parse(R"({"w0": [0, 1, 2, 3], "w1": []})"));
    CHECK(engine.metrics["handled_by"] == nlohmann::json::parse(R"({"w0": [0, 2], "w1": [1, 3]})"));
}

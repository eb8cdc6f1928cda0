// The loop itself: turn order, teardown, deadlock reports, unretrieved failures, deep chains,
// both clocks, signals.
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <vector>

#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

Task<void> chatty(std::string name, int steps) {
    for (int i = 0; i < steps; ++i) {
        print("{}{}", name, i);
        co_await yield();
    }
}

Task<void> forever(std::string name) {
    try {
        co_await sleep(secs(1e6));
    } catch (const Cancelled&) {
        print("{} cleanup", name);
        throw;
    }
}

Task<int> depth(int n) {
    if (n == 0) co_return 0;
    co_return 1 + co_await depth(n - 1);
}

}  // namespace

// A lesson sees only the learner's API: the engine's hooks are private to Loop, reached through
// detail::LoopInternals in engine/src.
template <class L>
concept ShowsEngineHooks = requires(L& loop, asynclab::detail::ReadyNode& node) {
    loop.schedule(node);
}
|| requires(L& loop) {
    loop.set_current(nullptr);
}
|| requires(L& loop) {
    loop.uv();
}
|| requires(L& loop) {
    loop.pool_state();
};
static_assert(!ShowsEngineHooks<asynclab::Loop>);

TEST_CASE("the ready queue is FIFO and a yield lets everything already ready run first") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto a = spawn(chatty("a", 2), "a");
        auto b = spawn(chatty("b", 2), "b");
        print("m0");
        co_await yield();
        print("m1");
        co_await a;
        co_await b;
    }());
    CHECK(h.output() == Lines{"0.000 main m0", "0.000 a a0", "0.000 b b0", "0.000 main m1",
                              "0.000 a a1", "0.000 b b1"});
}

TEST_CASE("timers with the same deadline fire in the order they were set") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        std::vector<TaskHandle<void>> hs;
        for (int i = 0; i < 5; ++i) {
            hs.push_back(spawn(
                [](int id) -> Task<void> {
                    co_await sleep(secs(0.5));
                    print("t{}", id);
                }(i),
                fmt::format("t{}", i)));
        }
        co_await gather(hs);
    }());
    CHECK(h.output() ==
          Lines{"0.500 t0 t0", "0.500 t1 t1", "0.500 t2 t2", "0.500 t3 t3", "0.500 t4 t4"});
}

TEST_CASE("what a task is suspended on is in the trace") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto w = spawn(chatty("w", 1), "w");
        co_await sleep(secs(0.1));
        co_await w;
    }());
    CHECK(h.events({EventType::Created, EventType::Started, EventType::Suspended,
                    EventType::Completed}) == Lines{"0.000 main created", "0.000 main started",
                                                    "0.000 w created", "0.000 main suspended sleep",
                                                    "0.000 w started", "0.000 w suspended yield",
                                                    "0.000 w completed", "0.100 main completed"});
}

TEST_CASE("when main returns, the tasks left are cancelled and clean up before run() returns") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            spawn(forever("x"), "x");
            spawn(forever("y"), "y");
            co_await sleep(secs(0.5));
            print("main done");
        }());
        CHECK(h.output() ==
              Lines{"0.500 main main done", "0.500 x x cleanup", "0.500 y y cleanup"});
        CHECK(h.loop.live_tasks() == 0);
    }
    check_no_leaks();
}

TEST_CASE("a loop destroyed with tasks that never ran frees them") {
    {
        Loop loop({.clock = ClockMode::Virtual});
        auto t = loop.spawn(forever("never"), "never");
        CHECK_FALSE(t.done());
    }
    check_no_leaks();
}

TEST_CASE("a deadlock is reported, not hung, and the stuck tasks are torn down") {
    {
        Harness h;
        std::string message;
        try {
            h.loop.run([]() -> Task<void> {
                std::vector<TaskHandle<void>> slots(2);
                auto waiter = [](std::vector<TaskHandle<void>>* s, int other) -> Task<void> {
                    co_await yield();
                    co_await (*s)[other];
                };
                slots[0] = spawn(waiter(&slots, 1), "a");
                slots[1] = spawn(waiter(&slots, 0), "b");
                co_await slots[0];
            }());
        } catch (const Deadlock& e) {
            message = e.what();
        }
        CHECK(message ==
              "deadlock: no task can make progress: main waits on task a; a waits on "
              "task b; b waits on task a");
        CHECK(h.loop.live_tasks() == 0);
    }
    check_no_leaks();
}

TEST_CASE("a failure nobody retrieves is reported when its last handle goes") {
    std::vector<std::string> reports;
    {
        Harness h;
        h.loop.set_exception_handler([&](const std::string& m) { reports.push_back(m); });
        h.loop.run([]() -> Task<void> {
            auto t = spawn(
                []() -> Task<void> {
                    throw ValueError("lost");
                    co_return;
                }(),
                "orphan");
            co_await sleep(secs(0.1));
            CHECK(t.done());
        }());
        // retrieved failures are not reported
        h.loop.run([]() -> Task<void> {
            auto t = spawn(
                []() -> Task<void> {
                    throw ValueError("seen");
                    co_return;
                }(),
                "seen");
            CHECK_THROWS_AS(co_await t, ValueError);
        }());
    }
    CHECK(reports ==
          std::vector<std::string>{
              "Task exception was never retrieved: task orphan failed with ValueError: lost"});
}

TEST_CASE("a deep chain of awaits does not grow the stack") {
    {
        Harness h;
        CHECK(h.loop.run(depth(1'000'000)) == 1'000'000);
    }
    check_no_leaks();
}

TEST_CASE("a million yields run, one loop turn each") {
    Loop loop({.clock = ClockMode::Virtual});
    const long n = loop.run([]() -> Task<long> {
        long count = 0;
        for (int i = 0; i < 1'000'000; ++i) {
            co_await yield();
            ++count;
        }
        co_return count;
    }());
    CHECK(n == 1'000'000);
}

TEST_CASE("awaiting a task's own handle is refused") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto self = std::make_shared<TaskHandle<void>>();
        *self = spawn(
            [](std::shared_ptr<TaskHandle<void>> me) -> Task<void> {
                CHECK_THROWS_AS(co_await *me, RuntimeError);
            }(self),
            "self");
        co_await *self;
    }());
}

TEST_CASE("the real clock runs the same program as the virtual clock, never early") {
    // The order is fixed by what awaits what, so no timing margin is involved; the real clock
    // may only ever be later than the exact virtual times.
    auto program = []() -> Task<void> {
        auto b = spawn(
            []() -> Task<void> {
                co_await sleep(secs(0.002));
                print("b");
            }(),
            "b");
        auto a = spawn(
            [](TaskHandle<void> first) -> Task<void> {
                co_await first;
                co_await sleep(secs(0.001));
                print("a");
            }(b),
            "a");
        co_await a;
    };
    Harness real(ClockMode::Real);
    Harness simulated(ClockMode::Virtual);
    real.loop.run(program());
    simulated.loop.run(program());
    auto logs = [](const Trace& t) {
        std::vector<const TraceEvent*> out;
        for (const auto& e : t.events()) {
            if (e.type == EventType::Log) out.push_back(&e);
        }
        return out;
    };
    const auto r = logs(real.trace);
    const auto v = logs(simulated.trace);
    REQUIRE(r.size() == 2);
    REQUIRE(v.size() == 2);
    for (std::size_t i = 0; i < r.size(); ++i) {
        CHECK(r[i]->text == v[i]->text);
        CHECK(r[i]->t >= v[i]->t);
    }
    CHECK(v[0]->t == secs(0.002));
    CHECK(v[1]->t == secs(0.003));
}

TEST_CASE("the speed factor scales loop time against the wall clock") {
    Loop loop({.clock = ClockMode::Real, .speed = 50.0});
    const auto start = std::chrono::steady_clock::now();
    loop.run([]() -> Task<void> { co_await sleep(secs(0.5)); }());
    CHECK(loop.now() >= secs(0.5));
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(10));
}

TEST_CASE("a signal handler runs on the loop thread and can cancel the work") {
    Loop loop({.clock = ClockMode::Real});
    TaskHandle<void> main_task;
    loop.on_signal(SIGUSR1, [&] { main_task.cancel(); });
    main_task = loop.spawn(
        []() -> Task<void> {
            std::raise(SIGUSR1);
            co_await sleep(secs(30.0));
        }(),
        "main");
    loop.run([](TaskHandle<void> m) -> Task<void> { co_await settled(m); }(main_task));
    CHECK(main_task.cancelled());
}

TEST_CASE("spawn outside a running loop is an error, not a crash") {
    CHECK_THROWS_AS(spawn(chatty("x", 1)), RuntimeError);
}

TEST_CASE("a trace keeps each task's value, whatever its kind, and only for tasks it knows") {
    // Integers are kept in place and other values apart: each kind, and a value set twice over
    // a value of the other form, must read back as set.
    Trace trace;
    for (std::uint32_t id = 1; id <= 6; ++id) trace.add_task(TaskInfo{.id = id, .name = "t"});
    trace.set_value(1, Value(-7));
    trace.set_value(2, Value(true));
    trace.set_value(3, Value(2.5));
    trace.set_value(4, Value("x"));
    trace.set_value(4, Value(9));  // an integer over a value kept apart
    trace.set_value(5, Value("y"));
    trace.set_value(6, Value(1));
    trace.set_value(6, Value(ValueList{Value(1), Value("z")}));  // and the other way round
    trace.set_value(99, Value(1));                               // unknown: ignored
    CHECK(trace.value(1) == Value(-7));
    CHECK(trace.value(2) == Value(true));
    CHECK(trace.value(3) == Value(2.5));
    CHECK(trace.value(4) == Value(9));
    CHECK(trace.value(5) == Value("y"));
    CHECK(trace.value(6) == Value(ValueList{Value(1), Value("z")}));
    CHECK(trace.value(99).is_none());
    CHECK(trace.task(99) == nullptr);
    trace.set_value(5, Value());  // none again
    CHECK(trace.value(5).is_none());
}

TEST_CASE("a completed task's value is kept as a Value in the trace") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto n = spawn([]() -> Task<int> { co_return 42; }(), "n");
        auto s = spawn([]() -> Task<std::string> { co_return "a \"b\""; }(), "s");
        auto v = spawn([]() -> Task<void> { co_return; }(), "v");
        auto l = spawn([]() -> Task<std::vector<int>> { co_return std::vector<int>{1, 2}; }(), "l");
        auto f = spawn(
            []() -> Task<int> {
                throw ValueError("no");
                co_return 0;
            }(),
            "f");
        co_await settled(n);
        co_await settled(s);
        co_await settled(v);
        co_await settled(l);
        co_await settled(f);
        CHECK(f.exception() != nullptr);
    }());
    CHECK(h.events({EventType::Completed, EventType::Failed}) ==
          Lines{"0.000 n completed 42", "0.000 s completed \"a \\\"b\\\"\"", "0.000 v completed",
                "0.000 l completed [1, 2]", "0.000 f failed ValueError: no",
                "0.000 main completed"});
    CHECK(h.trace.value(2) == Value(42));
    CHECK(h.trace.value(3) == Value("a \"b\""));
    CHECK(h.trace.value(4).is_none());
    CHECK(h.trace.value(5) == Value(ValueList{1, 2}));
    // A failure's kind is typed beside its message: no view cuts it out of the text.
    for (const TraceEvent& e : h.trace.events()) {
        if (e.type == EventType::Failed) CHECK(e.name == "ValueError");
    }
}

TEST_CASE("frames and records come from memory blocks that grow past a huge page, aligned") {
    // Several megabytes of records: the allocator moves from its small chunks to 2 MiB ones.
    constexpr std::size_t count = 40'000;
    constexpr std::size_t size = 136;  // not a multiple of 16: blocks still start 16-aligned
    auto& stats = detail::allocation_stats();
    const auto live = stats.live_records;
    std::vector<unsigned char*> blocks;
    std::size_t misaligned = 0;
    for (std::size_t i = 0; i < count; ++i) {
        auto* p = static_cast<unsigned char*>(detail::allocate_record(size));
        misaligned += reinterpret_cast<std::uintptr_t>(p) % 16 != 0 ? 1 : 0;
        std::memset(p, static_cast<int>(i & 0xFF), size);
        blocks.push_back(p);
    }
    CHECK(misaligned == 0);
    CHECK(stats.live_records == live + static_cast<std::int64_t>(count));
    std::size_t intact = 0;
    for (std::size_t i = 0; i < count; ++i) {
        intact += blocks[i][0] == (i & 0xFF) && blocks[i][size - 1] == (i & 0xFF) ? 1 : 0;
    }
    CHECK(intact == count);  // no two blocks overlap
    for (auto* p : blocks) detail::free_record(p, size);
    CHECK(stats.live_records == live);
}

TEST_CASE("sleep_as: a sleep traced as another kind of wait, with its name") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        co_await sleep_as(WaitKind::Io, secs(0.05), "service");
        co_await sleep_as(WaitKind::Backoff, secs(0.02));
        co_await sleep_as(WaitKind::Io, Duration::zero(), "service");  // still a yield
        CHECK(Loop::current().now() == secs(0.07));
    }());
    CHECK(h.events({EventType::Suspended}) == Lines{"0.000 main suspended io (service)",
                                                    "0.050 main suspended backoff before a retry",
                                                    "0.070 main suspended yield"});
}

namespace {

/// Three tasks whose timers tie and interleave: the story a paced loop must keep.
Task<void> interleaved() {
    std::vector<TaskHandle<void>> tasks;
    for (int i = 0; i < 3; ++i) {
        tasks.push_back(spawn(
            [](int n) -> Task<void> {
                for (int k = 0; k < 4; ++k) {
                    co_await sleep(secs(0.01 * (n + 1)));
                    print("{} step {}", n, k);
                }
            }(i),
            fmt::format("t{}", i)));
    }
    for (auto& t : tasks) co_await t;
}

}  // namespace

TEST_CASE("a paced virtual loop plays in real time and keeps the virtual story exactly") {
    Harness plain;
    plain.loop.run(interleaved());
    for (double speed : {1.0, 10.0, 1000.0}) {
        CAPTURE(speed);
        Harness paced(ClockMode::Virtual, LoopOptions{.speed = speed, .paced = true});
        const auto before = std::chrono::steady_clock::now();
        paced.loop.run(interleaved());
        // The run cannot end before the wall clock has reached its last timer (0.12 s / speed),
        // less the time between the loop's start and `before`.
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - before;
        CHECK(took.count() >= 0.12 / speed - 0.001);
        CHECK(paced.output() == plain.output());
        CHECK(paced.events({EventType::Suspended, EventType::Resumed, EventType::Completed}) ==
              plain.events({EventType::Suspended, EventType::Resumed, EventType::Completed}));
    }
}

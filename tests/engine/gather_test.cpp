// gather() and wait(): argument order, first failure, return_exceptions, cancellation.
#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

Task<std::string> fetch(std::string name, double delay) {
    try {
        co_await sleep(secs(delay));
    } catch (const Cancelled&) {
        print("{} cancelled", name);
        throw;
    }
    print("{} done", name);
    co_return name;
}

Task<int> fail_after(double delay, std::string message) {
    co_await sleep(secs(delay));
    throw ValueError(message);
}

}  // namespace

TEST_CASE("gather returns results in argument order, not finishing order") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto [a, b, c] = co_await gather(fetch("A", 1.0), fetch("B", 1.5), fetch("C", 0.5));
            print("{} {} {}", a, b, c);
        }());
        CHECK(h.output() == Lines{"0.500 Task-4 C done", "1.000 Task-2 A done",
                                  "1.500 Task-3 B done", "1.500 main A B C"});
    }
    check_no_leaks();
}

TEST_CASE("gather of a vector of handles, and of void tasks") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        std::vector<TaskHandle<std::string>> handles;
        for (const char* n : {"x", "y"}) handles.push_back(spawn(fetch(n, 0.2), n));
        std::vector<std::string> got = co_await gather(std::move(handles));
        CHECK(got == std::vector<std::string>{"x", "y"});
        auto [v] = co_await gather([]() -> Task<void> { co_await sleep(secs(0.1)); }());
        (void)v;
        CHECK(Loop::current().now() == secs(0.3));
    }());
}

TEST_CASE("the first failure propagates at once; the other tasks keep running") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto slow = spawn(fetch("slow", 1.0), "slow");
            try {
                co_await gather(slow, spawn(fail_after(0.25, "boom"), "bad"));
            } catch (const ValueError& e) {
                print("caught {}", e.what());
            }
            CHECK_FALSE(slow.done());
            co_await slow;
        }());
        CHECK(h.output() == Lines{"0.250 main caught boom", "1.000 slow slow done"});
    }
    check_no_leaks();
}

TEST_CASE("a cancelled child makes gather raise Cancelled, though the caller was not cancelled") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto a = spawn(fetch("a", 1.0), "a");
        auto b = spawn(fetch("b", 1.0), "b");
        co_await yield();
        b.cancel();
        std::vector both{a, b};
        CHECK_THROWS_AS(co_await gather(both), Cancelled);
        CHECK_FALSE(a.done());
    }());
}

TEST_CASE("gather(return_exceptions) gives every outcome in order") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        std::vector<TaskHandle<int>> hs{
            spawn([]() -> Task<int> { co_return 1; }(), "one"),
            spawn(fail_after(0.1, "two failed"), "two"),
            spawn(
                []() -> Task<int> {
                    co_await sleep(secs(5.0));
                    co_return 3;
                }(),
                "three"),
        };
        hs[2].cancel();
        auto outcomes = co_await gather(return_exceptions, hs);
        REQUIRE(outcomes.size() == 3);
        CHECK(outcomes[0].value() == 1);
        CHECK(describe(outcomes[1].error()) == "ValueError: two failed");
        CHECK(outcomes[2].cancelled());
        CHECK(Loop::current().now() == secs(0.1));
    }());
}

TEST_CASE("cancelling the task awaiting gather cancels every child and waits for them") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto g = spawn(
                []() -> Task<void> {
                    try {
                        co_await gather(fetch("a", 1.0), fetch("b", 2.0));
                    } catch (const Cancelled&) {
                        print("gather cancelled");
                        throw;
                    }
                }(),
                "g");
            co_await sleep(secs(0.5));
            g.cancel();
            co_await settled(g);
            CHECK(g.cancelled());
        }());
        CHECK(h.output() == Lines{"0.500 Task-3 a cancelled", "0.500 Task-4 b cancelled",
                                  "0.500 g gather cancelled"});
    }
    check_no_leaks();
}

TEST_CASE("wait FIRST_COMPLETED returns done and pending and leaves the rest running") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        std::vector<TaskHandle<std::string>> hs{spawn(fetch("slow", 2.0), "slow"),
                                                spawn(fetch("fast", 0.5), "fast")};
        auto [done, pending] = co_await wait(hs, ReturnWhen::FirstCompleted);
        REQUIRE(done.size() == 1);
        CHECK(done[0].name() == "fast");
        REQUIRE(pending.size() == 1);
        CHECK(pending[0].name() == "slow");
        CHECK(Loop::current().now() == secs(0.5));
        for (auto& p : pending) p.cancel();
        co_await wait(pending);
    }());
    CHECK(h.output() == Lines{"0.500 fast fast done", "0.500 slow slow cancelled"});
}

TEST_CASE("wait FIRST_EXCEPTION stops at a failure, ALL_COMPLETED waits for all") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        std::vector<TaskHandle<int>> hs{spawn(fail_after(0.3, "x"), "bad"),
                                        spawn(
                                            []() -> Task<int> {
                                                co_await sleep(secs(1.0));
                                                co_return 2;
                                            }(),
                                            "good")};
        auto first = co_await wait(hs, ReturnWhen::FirstException);
        CHECK(first.done.size() == 1);
        CHECK(Loop::current().now() == secs(0.3));
        auto all = co_await wait(hs, ReturnWhen::AllCompleted);
        CHECK(all.done.size() == 2);
        CHECK(Loop::current().now() == secs(1.0));
        CHECK(hs[0].exception() != nullptr);
    }());
}

TEST_CASE("wait with a timeout returns what is done by then and raises nothing") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        std::vector<TaskHandle<std::string>> hs{spawn(fetch("a", 1.0), "a")};
        auto r = co_await wait(hs, ReturnWhen::AllCompleted, secs(0.25));
        CHECK(r.done.empty());
        CHECK(r.pending.size() == 1);
        CHECK(Loop::current().now() == secs(0.25));
        hs[0].cancel();
    }());
}

TEST_CASE("cancelling a task in wait() does not cancel what it waits for") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto child = spawn(fetch("child", 1.0), "child");
        auto waiter = spawn(
            [](TaskHandle<std::string> c) -> Task<void> { co_await settled(c); }(child), "waiter");
        co_await sleep(secs(0.5));
        waiter.cancel();
        co_await sleep(secs(0.1));
        CHECK(waiter.cancelled());
        CHECK_FALSE(child.done());
        CHECK(co_await child == "child");
    }());
}

// A gathered task reports to gather through its own record when no one else waits for it yet, and
// through a node of gather's otherwise. Either way everyone waiting for the task is told in the
// order they began to wait, which decides who runs first on the turns after it finishes.
namespace {

Task<int> one_after(double delay) {
    co_await sleep(secs(delay));
    co_return 1;
}

/// Awaits `child` after `delay`, then starts a task that prints "x runs" on the next turn.
Task<void> await_then_spawn(TaskHandle<int> child, double delay) {
    co_await sleep(secs(delay));
    co_await child;
    print("woke");
    spawn(
        []() -> Task<void> {
            print("x runs");
            co_return;
        }(),
        "x");
}

}  // namespace

/// What is printed when task "a" starts awaiting a child at `await_at` and main gathers it at
/// `gather_at`; the child ends at 1.0.
Lines wake_order(double await_at, double gather_at) {
    Harness h;
    h.loop.run([](double awaiting, double gathering) -> Task<void> {
        auto child = spawn(one_after(1.0), "child");
        spawn(await_then_spawn(child, awaiting), "a");
        co_await sleep(secs(gathering));
        std::vector children{child};
        co_await gather(std::move(children));
        print("gather woke");
    }(await_at, gather_at));
    return h.output();
}

TEST_CASE("whoever began to wait for a task first is told first: an awaiter or gather's report") {
    // Awaited first: a's step spawns x before gather's report wakes main, so x runs first.
    CHECK(wake_order(0.0, 0.5) ==
          Lines{"1.000 a woke", "1.000 x x runs", "1.000 main gather woke"});
    // Gathered first: the report runs before a's step, so main wakes before x runs.
    CHECK(wake_order(0.5, 0.0) ==
          Lines{"1.000 a woke", "1.000 main gather woke", "1.000 x x runs"});
    check_no_leaks();
}

TEST_CASE("one task listed twice, and in two gathers at once, reports to each") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto child = spawn(one_after(1.0), "child");
            auto other = spawn(
                [](TaskHandle<int> c) -> Task<int> {
                    std::vector once{c};
                    const std::vector<int> got = co_await gather(std::move(once));
                    co_return got.at(0);
                }(child),
                "other");
            const std::vector<int> ones{1, 1};  // outside co_await: a GCC 12 bug (engine/README.md)
            std::vector twice{child, child};
            CHECK(co_await gather(std::move(twice)) == ones);
            CHECK(co_await other == 1);
            // And once the task is done, gathering it again reports on the next turn.
            std::vector again{child, child};
            CHECK(co_await gather(std::move(again)) == ones);
            CHECK(Loop::current().now() == secs(1.0));
        }());
    }
    check_no_leaks();
}

TEST_CASE("a wait cancelled between its child's end and the report leaves nothing queued") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto child = spawn(one_after(1.0), "child");
            auto waiter = spawn(
                [](TaskHandle<int> c) -> Task<void> {
                    std::vector one{c};
                    co_await wait(std::move(one));
                    print("wait returned");
                }(child),
                "waiter");
            // The same deadline, set after child's (which starts on the next turn): this task
            // runs on the turn child finishes, after it, when child's report to wait() is queued
            // but has not run.
            co_await yield();
            co_await sleep(secs(1.0));
            CHECK(child.done());
            waiter.cancel();
            co_await settled(waiter);
            CHECK(waiter.cancelled());
            // The record is free to report to the next one.
            const std::vector<int> one{1};
            std::vector again{child};
            CHECK(co_await gather(std::move(again)) == one);
        }());
        CHECK(h.output().empty());
    }
    check_no_leaks();
}

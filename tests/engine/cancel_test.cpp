// Cancellation: delivered as Cancelled at the suspension point, cleanup runs, and every race
// between a wake-up and a cancel resumes the task exactly once.
#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

Task<void> sleeper(std::string name, double seconds) {
    try {
        print("{} sleeping", name);
        co_await sleep(secs(seconds));
        print("{} woke", name);
    } catch (const Cancelled&) {
        print("{} cleanup", name);
        throw;
    }
}

struct Noisy {
    std::string name;
    ~Noisy() { print("~{}", name); }
};

Task<void> nested_inner() {
    Noisy guard{"inner"};
    co_await sleep(secs(1.0));
}

Task<void> nested_outer() {
    Noisy guard{"outer"};
    co_await nested_inner();
}

}  // namespace

TEST_CASE("cancel during sleep: cleanup runs, then the awaiter sees Cancelled") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto s = spawn(sleeper("s", 1.0), "s");
            co_await sleep(secs(0.25));
            CHECK(s.cancel());
            print("cancel requested");
            try {
                co_await s;
            } catch (const Cancelled&) {
                print("saw Cancelled");
            }
            CHECK(s.cancelled());
            CHECK(s.done());
            CHECK_THROWS_AS(s.result(), Cancelled);
            CHECK_THROWS_AS((void)s.exception(), Cancelled);
        }());
        CHECK(h.output() == Lines{"0.000 s s sleeping", "0.250 main cancel requested",
                                  "0.250 s s cleanup", "0.250 main saw Cancelled"});
        CHECK(h.events({EventType::Cancelled}) == Lines{"0.250 s cancelled"});
    }
    check_no_leaks();
}

TEST_CASE("a task cancelled before its first step never runs its body") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto s = spawn(sleeper("s", 1.0), "s");
            CHECK(s.cancel());
            co_await yield();
            CHECK(s.cancelled());
        }());
        CHECK(h.output().empty());
        CHECK(h.events({EventType::Started, EventType::Cancelled}) ==
              Lines{"0.000 main started", "0.000 s cancelled"});
    }
    check_no_leaks();
}

TEST_CASE("cancel() of a finished task is refused; requests are counted") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto s = spawn(sleeper("s", 0.1), "s");
        CHECK(s.cancel());
        CHECK(s.cancel());
        CHECK(s.core().cancelling() == 2);
        CHECK(s.core().uncancel() == 1);
        co_await yield();
        CHECK_FALSE(s.cancel());
    }());
}

TEST_CASE("a task woken and then cancelled before it runs gets Cancelled, once") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto s = spawn(sleeper("s", 0.1), "s");
            co_await sleep(secs(0.1));  // main's timer was set first, so main runs first at 0.1
            CHECK(s.cancel());  // s's sleep is over and s is queued: it still gets Cancelled
            try {
                co_await s;
            } catch (const Cancelled&) {
                print("s was cancelled");
            }
        }());
        CHECK(h.output() ==
              Lines{"0.000 s s sleeping", "0.100 s s cleanup", "0.100 main s was cancelled"});
        CHECK(h.events({EventType::Resumed}) ==
              Lines{"0.100 main resumed", "0.100 s resumed", "0.100 main resumed"});
    }
    check_no_leaks();
}

TEST_CASE("a task that swallows Cancelled keeps running and completes") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto stubborn = spawn(
                []() -> Task<int> {
                    try {
                        co_await sleep(secs(1.0));
                    } catch (const Cancelled&) {
                        print("ignoring the cancellation");
                    }
                    co_await sleep(secs(0.5));
                    co_return 7;
                }(),
                "stubborn");
            co_await sleep(secs(0.1));
            stubborn.cancel();
            CHECK(co_await stubborn == 7);
            CHECK_FALSE(stubborn.cancelled());
            print("done");
        }());
        CHECK(h.output() == Lines{"0.100 stubborn ignoring the cancellation", "0.600 main done"});
    }
    check_no_leaks();
}

TEST_CASE("catch (const std::exception&) does not swallow Cancelled") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto t = spawn(
            []() -> Task<void> {
                try {
                    co_await sleep(secs(1.0));
                } catch (const std::exception&) {
                    print("wrongly caught");
                }
            }(),
            "t");
        co_await yield();
        t.cancel();
        co_await settled(t);
        CHECK(t.cancelled());
    }());
    CHECK(h.output().empty());
}

TEST_CASE("cancellation unwinds nested lazy tasks: every destructor runs, innermost first") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto t = spawn(nested_outer(), "t");
            co_await sleep(secs(0.5));
            t.cancel();
            co_await settled(t);
            CHECK(t.cancelled());
        }());
        CHECK(h.output() == Lines{"0.500 t ~inner", "0.500 t ~outer"});
    }
    check_no_leaks();
}

TEST_CASE("cancelling a task that awaits another cancels that one too and waits for it") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto inner = spawn(sleeper("inner", 5.0), "inner");
            auto outer = spawn(
                [](TaskHandle<void> i) -> Task<void> {
                    try {
                        co_await i;
                    } catch (const Cancelled&) {
                        print("outer cleanup");
                        throw;
                    }
                }(inner),
                "outer");
            co_await sleep(secs(1.0));
            outer.cancel();
            co_await settled(outer);
            CHECK(inner.cancelled());
            CHECK(outer.cancelled());
        }());
        CHECK(h.output() == Lines{"0.000 inner inner sleeping", "1.000 inner inner cleanup",
                                  "1.000 outer outer cleanup"});
    }
    check_no_leaks();
}

TEST_CASE("a task cancelling itself is interrupted at its next suspension") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto t = spawn(
            []() -> Task<void> {
                Loop::current().current_task()->cancel();
                print("still running until the next await");
                co_await sleep(secs(1.0));
                print("never");
            }(),
            "t");
        co_await settled(t);
        CHECK(t.cancelled());
    }());
    CHECK(h.output() == Lines{"0.000 t still running until the next await"});
    CHECK(h.loop.now() == Duration::zero());
}

TEST_CASE("cancellation requested during the last step still cancels the task") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto t = spawn(
            []() -> Task<int> {
                Loop::current().current_task()->cancel();
                co_return 1;
            }(),
            "t");
        co_await settled(t);
        CHECK(t.cancelled());
    }());
}

TEST_CASE("tasks awaiting each other in a cycle can still be cancelled") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        std::vector<TaskHandle<void>> slots(2);
        auto waiter = [](std::vector<TaskHandle<void>>* s, int other) -> Task<void> {
            co_await yield();
            co_await (*s)[other];
        };
        slots[0] = spawn(waiter(&slots, 1), "a");
        slots[1] = spawn(waiter(&slots, 0), "b");
        co_await sleep(secs(0.1));
        slots[0].cancel();
        co_await wait(slots);
        CHECK(slots[0].cancelled());
        CHECK(slots[1].cancelled());
    }());
}

TEST_CASE("cancelling the head of a million tasks each awaiting the next needs no deep stack") {
    // Cancellation is forwarded down the whole chain before anything wakes: done recursively, a
    // chain this long overflows the stack (under ASan already at 50,000).
    constexpr int length = 1'000'000;
    {
        Loop loop({.clock = ClockMode::Virtual});
        const Duration ended = loop.run([]() -> Task<Duration> {
            auto tail_cleaned = std::make_shared<bool>(false);
            TaskHandle<void> next = spawn(
                [](std::shared_ptr<bool> cleaned) -> Task<void> {
                    try {
                        co_await sleep(secs(1e6));
                    } catch (const Cancelled&) {
                        *cleaned = true;
                        throw;
                    }
                }(tail_cleaned),
                "tail");
            for (int i = 1; i < length; ++i) {
                next = spawn([](TaskHandle<void> awaited) -> Task<void> {
                    co_await awaited;
                }(std::move(next)));
            }
            co_await sleep(secs(1));  // every task has started and waits on the next
            CHECK(next.cancel());
            CHECK_FALSE(*tail_cleaned);  // forwarded only: the tail runs on a later turn
            co_await settled(next);
            CHECK(next.cancelled());
            CHECK(*tail_cleaned);
            co_return Loop::current().now();
        }());
        CHECK(ended == secs(1));
    }
    check_no_leaks();
}

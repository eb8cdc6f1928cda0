// task_group(): structured concurrency with asyncio.TaskGroup's semantics.
#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

Task<void> worker(std::string name, double seconds, bool fail = false) {
    try {
        co_await sleep(secs(seconds));
    } catch (const Cancelled&) {
        print("{} cleanup", name);
        throw;
    }
    if (fail) throw ValueError(name + " failed");
    print("{} done", name);
}

}  // namespace

TEST_CASE("the group's block ends only when every child has finished") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        co_await task_group([](TaskGroup& g) -> Task<void> {
            g.spawn(worker("a", 0.3), "a");
            g.spawn(worker("b", 0.1), "b");
            co_return;
        });
        print("group over");
    }());
    CHECK(h.output() == Lines{"0.100 b b done", "0.300 a a done", "0.300 main group over"});
}

TEST_CASE("a failing child cancels its siblings and the block, then ExceptionGroup is raised") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            try {
                co_await task_group([](TaskGroup& g) -> Task<void> {
                    g.spawn(worker("slow", 5.0), "slow");
                    g.spawn(worker("bad", 0.2, true), "bad");
                    try {
                        co_await sleep(secs(10.0));
                    } catch (const Cancelled&) {
                        print("block interrupted");
                        throw;
                    }
                });
            } catch (const ExceptionGroup& e) {
                REQUIRE(e.exceptions().size() == 1);
                print("{}", describe(e.exceptions()[0]));
            }
            CHECK(Loop::current().current_task()->cancelling() == 0);
        }());
        CHECK(h.output() == Lines{"0.200 slow slow cleanup", "0.200 main block interrupted",
                                  "0.200 main ValueError: bad failed"});
    }
    check_no_leaks();
}

TEST_CASE("several failures at once are all reported") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        try {
            co_await task_group([](TaskGroup& g) -> Task<void> {
                g.spawn(worker("x", 0.1, true), "x");
                g.spawn(worker("y", 0.1, true), "y");
                co_return;
            });
        } catch (const ExceptionGroup& e) {
            CHECK(e.exceptions().size() == 2);
            CHECK(std::string(e.what()) ==
                  "unhandled errors in a TaskGroup (2 sub-exceptions: ValueError: x failed; "
                  "ValueError: y failed)");
        }
    }());
}

TEST_CASE("an error in the block cancels the children and is reported with theirs") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        try {
            co_await task_group([](TaskGroup& g) -> Task<void> {
                g.spawn(worker("child", 1.0), "child");
                co_await sleep(secs(0.1));
                throw RuntimeError("block broke");
            });
        } catch (const ExceptionGroup& e) {
            REQUIRE(e.exceptions().size() == 1);
            print("{}", describe(e.exceptions()[0]));
        }
    }());
    CHECK(h.output() == Lines{"0.100 child child cleanup", "0.100 main RuntimeError: block broke"});
}

TEST_CASE("cancelling the task around a group cancels the children and stays Cancelled") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto outer = spawn(task_group([](TaskGroup& g) -> Task<void> {
                                   g.spawn(worker("a", 5.0), "a");
                                   g.spawn(worker("b", 5.0), "b");
                                   co_return;
                               }),
                               "outer");
            co_await sleep(secs(0.5));
            outer.cancel();
            co_await settled(outer);
            CHECK(outer.cancelled());
        }());
        CHECK(h.output() == Lines{"0.500 a a cleanup", "0.500 b b cleanup"});
    }
    check_no_leaks();
}

TEST_CASE("spawning into an aborting group is refused") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        try {
            co_await task_group([](TaskGroup& g) -> Task<void> {
                g.spawn(worker("bad", 0.1, true), "bad");
                try {
                    co_await sleep(secs(1.0));
                } catch (const Cancelled&) {
                    CHECK_THROWS_AS(g.spawn(worker("late", 0.1), "late"), RuntimeError);
                    throw;
                }
            });
        } catch (const ExceptionGroup&) {
        }
    }());
}

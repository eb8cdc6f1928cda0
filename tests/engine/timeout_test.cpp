// wait_for and timeout(): TimeoutError only after the inner work has cleaned up; outer
// cancellations stay Cancelled; exact behaviour at ties.
#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

Task<std::string> job(double seconds) {
    try {
        print("job starts");
        co_await sleep(secs(seconds));
        print("job finished");
        co_return "result";
    } catch (const Cancelled&) {
        print("job cleanup");
        throw;
    }
}

}  // namespace

TEST_CASE("wait_for: the slow job is cancelled, cleans up, then the caller sees TimeoutError") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            try {
                co_await wait_for(job(10.0), secs(0.05), "slow");
            } catch (const TimeoutError& e) {
                print("caller: {}", e.what());
            }
        }());
        CHECK(h.output() == Lines{"0.000 slow job starts", "0.050 slow job cleanup",
                                  "0.050 main caller: timed out after 0.05 s"});
        CHECK(h.events({EventType::Cancelled, EventType::Completed}) ==
              Lines{"0.050 slow cancelled", "0.050 main completed"});
    }
    check_no_leaks();
}

TEST_CASE("wait_for: work that finishes in time returns its result") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        CHECK(co_await wait_for(job(0.01), secs(0.05)) == "result");
        CHECK(Loop::current().now() == secs(0.01));
    }());
}

TEST_CASE("wait_for: a timeout equal to the completion time wins, and the job resumes once") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        CHECK_THROWS_AS(co_await wait_for(job(0.05), secs(0.05), "tie"), TimeoutError);
    }());
    CHECK(h.output() == Lines{"0.000 tie job starts", "0.050 tie job cleanup"});
    CHECK(h.events({EventType::Resumed}) == Lines{"0.050 tie resumed", "0.050 main resumed"});
}

TEST_CASE("wait_for: an inner task that swallows the cancellation returns its value") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto stubborn = []() -> Task<int> {
            try {
                co_await sleep(secs(1.0));
            } catch (const Cancelled&) {
            }
            co_return 5;
        };
        CHECK(co_await wait_for(stubborn(), secs(0.1)) == 5);
    }());
}

TEST_CASE("wait_for: cancelling the caller stays Cancelled and cancels the job") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto caller = spawn(
                []() -> Task<void> {
                    try {
                        co_await wait_for(job(10.0), secs(1.0), "job");
                    } catch (const TimeoutError&) {
                        print("wrong: timeout");
                    } catch (const Cancelled&) {
                        print("caller cancelled");
                        throw;
                    }
                }(),
                "caller");
            co_await sleep(secs(0.2));
            caller.cancel();
            co_await settled(caller);
            CHECK(caller.cancelled());
        }());
        CHECK(h.output() == Lines{"0.000 job job starts", "0.200 job job cleanup",
                                  "0.200 caller caller cancelled"});
    }
    check_no_leaks();
}

TEST_CASE("an outer cancel at the very moment of the timeout stays Cancelled") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto caller =
            spawn([]() -> Task<void> { co_await timeout(secs(0.1), job(10.0)); }(), "caller");
        co_await sleep(secs(0.1));  // set after the caller's timeout, so it fires right after it
        caller.cancel();
        co_await settled(caller);
        CHECK(caller.cancelled());
    }());
}

TEST_CASE("timeout() covers a block of awaits in the same task") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto steps = []() -> Task<void> {
            for (int i = 0; i < 3; ++i) {
                co_await sleep(secs(0.1));
                print("step {}", i);
            }
        };
        CHECK_THROWS_AS(co_await timeout(secs(0.25), steps()), TimeoutError);
        CHECK(Loop::current().now() == secs(0.25));
        co_await timeout(secs(1.0), steps());  // in time: no error, and the timer is disarmed
        co_await sleep(secs(2.0));
    }());
    CHECK(h.output() == Lines{"0.100 main step 0", "0.200 main step 1", "0.350 main step 0",
                              "0.450 main step 1", "0.550 main step 2"});
    CHECK(h.trace.tasks().size() == 1);
}

TEST_CASE("nested timeouts: only the one that expired converts") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto inner = []() -> Task<void> {
            try {
                co_await timeout(secs(1.0), job(10.0));
            } catch (const TimeoutError&) {
                print("wrong: inner converted");
            }
        };
        try {
            co_await timeout(secs(0.1), inner());
        } catch (const TimeoutError&) {
            print("outer timed out");
        }
        CHECK(Loop::current().current_task()->cancelling() == 0);
    }());
    CHECK(h.output() ==
          Lines{"0.000 main job starts", "0.100 main job cleanup", "0.100 main outer timed out"});
}

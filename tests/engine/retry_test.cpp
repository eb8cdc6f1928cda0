// retry(): exact attempt and backoff times under the virtual clock, the cap, seeded jitter that
// only lengthens gaps, Cancelled never retried (in an attempt or a backoff), per-attempt timeouts.
#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

/// A service whose first `failures` calls fail; each call takes `work` seconds.
struct Flaky {
    int failures = 0;
    double work = 0.0;
    int calls = 0;
};

Task<int> call(Flaky* service) {
    const int n = ++service->calls;
    print("call {}", n);
    try {
        if (service->work > 0.0) co_await sleep(secs(service->work));
    } catch (const Cancelled&) {
        print("call {} cleanup", n);
        throw;
    }
    if (n <= service->failures) throw RuntimeError(fmt::format("failure {}", n));
    co_return n;
}

/// The gaps between attempts of an always-failing retry with jitter 0.5, in a loop seeded `seed`.
std::vector<Duration> jittered_gaps(std::uint64_t seed, Random* injected = nullptr) {
    Harness h(ClockMode::Virtual, LoopOptions{.seed = seed});
    RetryStats stats;
    h.loop.run([](Random* random, RetryStats* out) -> Task<void> {
        Flaky service{.failures = 100};
        RetryPolicy policy{.max_attempts = 5, .jitter = 0.5, .random = random};
        CHECK_THROWS_AS(co_await retry(
                            policy, [&service] { return call(&service); }, out),
                        RuntimeError);
    }(injected, &stats));
    // The trace agrees with the stats: each attempt starts exactly one backoff after the last.
    std::vector<Duration> starts;
    for (const auto& e : h.trace.events()) {
        if (e.name == channel::retry && e.text.starts_with("attempt")) starts.push_back(e.t);
    }
    REQUIRE(starts.size() == 5);
    for (std::size_t k = 0; k < stats.backoffs.size(); ++k) {
        CHECK(starts[k + 1] - starts[k] == stats.backoffs[k]);
    }
    return stats.backoffs;
}

}  // namespace

TEST_CASE("retry: attempts start at exact times, each backoff doubling") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Flaky service{.failures = 3};
            RetryStats stats;
            RetryPolicy policy{.max_attempts = 4, .base_delay = secs(0.02)};
            CHECK(co_await retry(
                      policy, [&service] { return call(&service); }, &stats) == 4);
            CHECK(stats.attempts == 4);
            CHECK(stats.backoffs == std::vector{secs(0.02), secs(0.04), secs(0.08)});
            CHECK(Loop::current().now() == secs(0.14));
        }());
        CHECK(h.output() == Lines{"0.000 main call 1", "0.020 main call 2", "0.060 main call 3",
                                  "0.140 main call 4"});
        CHECK(
            h.log(channel::retry) ==
            Lines{
                "0.000 main attempt 1/4", "0.000 main backoff 0.02 s after RuntimeError: failure 1",
                "0.020 main attempt 2/4", "0.020 main backoff 0.04 s after RuntimeError: failure 2",
                "0.060 main attempt 3/4", "0.060 main backoff 0.08 s after RuntimeError: failure 3",
                "0.140 main attempt 4/4"});
    }
    check_no_leaks();
}

TEST_CASE("retry: max_delay caps the backoff") {
    RetryPolicy policy{.max_attempts = 4, .multiplier = 10.0, .max_delay = secs(0.5)};
    CHECK(backoff_delay(policy, 1) == secs(0.02));
    CHECK(backoff_delay(policy, 2) == secs(0.2));
    CHECK(backoff_delay(policy, 3) == secs(0.5));
    CHECK(backoff_delay(policy, 10'000) == secs(0.5));  // saturates, no overflow
    Harness h;
    h.loop.run([](RetryPolicy capped) -> Task<void> {
        Flaky service{.failures = 100};
        RetryStats stats;
        CHECK_THROWS_AS(co_await retry(
                            capped, [&service] { return call(&service); }, &stats),
                        RuntimeError);
        CHECK(stats.backoffs == std::vector{secs(0.02), secs(0.2), secs(0.5)});
    }(policy));
    CHECK(h.output() == Lines{"0.000 main call 1", "0.020 main call 2", "0.220 main call 3",
                              "0.720 main call 4"});
}

TEST_CASE("retry: jitter replays for a seed, differs for another, never shortens a gap") {
    const std::vector<Duration> a = jittered_gaps(7);
    CHECK(jittered_gaps(7) == a);
    CHECK(jittered_gaps(8) != a);
    Random injected(7);  // an injected generator is used instead of the loop's
    CHECK(jittered_gaps(99, &injected) == a);

    const RetryPolicy policy{.jitter = 0.5};
    REQUIRE(a.size() == 4);
    for (std::size_t k = 0; k < a.size(); ++k) {
        const Duration base = backoff_delay(policy, static_cast<int>(k) + 1);
        CHECK(a[k] >= base);
        CHECK(a[k] <= base + base / 2);  // [1, 1.5), up to rounding to a nanosecond
    }
}

TEST_CASE("retry: without jitter the run's generator is left untouched") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Flaky service{.failures = 2};
        co_await retry(RetryPolicy{}, [&service] { return call(&service); });
        CHECK(Loop::current().random().next() == Random(42).next());
    }());
}

TEST_CASE("retry: an error the predicate rejects propagates after one attempt") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Flaky service{.failures = 100};
        RetryStats stats;
        RetryPolicy policy{.retryable = errors_of<TimeoutError>()};
        CHECK_THROWS_WITH_AS(co_await retry(
                                 policy, [&service] { return call(&service); }, &stats),
                             "failure 1", RuntimeError);
        CHECK(stats.attempts == 1);
        CHECK(stats.backoffs.empty());
        CHECK(Loop::current().now() == Duration::zero());
    }());
    CHECK(h.log(channel::retry) ==
          Lines{"0.000 main attempt 1/3", "0.000 main not retried: RuntimeError: failure 1"});
}

TEST_CASE("retry: exhausting the attempts rethrows the last error") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Flaky service{.failures = 100};
        CHECK_THROWS_WITH_AS(co_await retry(RetryPolicy{}, [&service] { return call(&service); }),
                             "failure 3", RuntimeError);
        CHECK(Loop::current().now() == secs(0.06));
    }());
    CHECK(h.log(channel::retry).back() ==
          "0.060 main gave up after 3 attempts: RuntimeError: failure 3");
}

TEST_CASE("retry: Cancelled during an attempt propagates at once, unseen by the predicate") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Flaky service{.work = 1.0};
            RetryStats stats;
            int asked = 0;
            RetryPolicy policy{
                .retryable = [&asked](const std::exception_ptr&) { return ++asked > 0; },
                .attempt_timeout = secs(2.0)};
            auto caller = spawn(retry(
                                    policy, [&service] { return call(&service); }, &stats),
                                "caller");
            co_await sleep(secs(0.1));
            caller.cancel();
            co_await settled(caller);
            CHECK(caller.cancelled());
            CHECK(stats.attempts == 1);
            CHECK(asked == 0);
            co_await sleep(secs(5.0));  // nothing else happens
        }());
        CHECK(h.output() == Lines{"0.000 caller call 1", "0.100 caller call 1 cleanup"});
        CHECK(h.log(channel::retry) == Lines{"0.000 caller attempt 1/3"});
    }
    check_no_leaks();
}

TEST_CASE("retry: Cancelled during a backoff propagates without another attempt") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Flaky service{.failures = 100};
            RetryStats stats;
            auto caller = spawn(retry(
                                    RetryPolicy{}, [&service] { return call(&service); }, &stats),
                                "caller");
            co_await sleep(secs(0.01));
            caller.cancel();
            co_await settled(caller);
            CHECK(caller.cancelled());
            CHECK(stats.attempts == 1);
            co_await sleep(secs(1.0));
        }());
        CHECK(h.output() == Lines{"0.000 caller call 1"});
        CHECK(h.log(channel::retry) ==
              Lines{"0.000 caller attempt 1/3",
                    "0.000 caller backoff 0.02 s after RuntimeError: failure 1"});
        CHECK(h.events({EventType::Cancelled}) == Lines{"0.010 caller cancelled"});
    }
    check_no_leaks();
}

TEST_CASE("retry: a per-attempt timeout cancels the slow attempt, which is then retried") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Flaky service{.work = 10.0};
            RetryPolicy policy{.attempt_timeout = secs(0.08)};
            auto attempt = [&service]() -> Task<int> {
                service.work = service.calls < 2 ? 10.0 : 0.01;  // the third attempt is quick
                return call(&service);
            };
            CHECK(co_await retry(policy, attempt) == 3);
            CHECK(Loop::current().now() == secs(0.23));
        }());
        CHECK(h.output() == Lines{"0.000 main call 1", "0.080 main call 1 cleanup",
                                  "0.100 main call 2", "0.180 main call 2 cleanup",
                                  "0.220 main call 3"});
        CHECK(h.log(channel::retry) ==
              Lines{"0.000 main attempt 1/3",
                    "0.080 main backoff 0.02 s after TimeoutError: timed out after 0.08 s",
                    "0.100 main attempt 2/3",
                    "0.180 main backoff 0.04 s after TimeoutError: timed out after 0.08 s",
                    "0.220 main attempt 3/3"});
    }
    check_no_leaks();
}

TEST_CASE("retry: an outer cancel at the moment of the attempt's timeout stays Cancelled") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Flaky service{.work = 10.0};
            RetryStats stats;
            RetryPolicy policy{.attempt_timeout = secs(0.1)};
            auto caller = spawn(retry(
                                    policy, [&service] { return call(&service); }, &stats),
                                "caller");
            co_await sleep(secs(0.1));
            caller.cancel();
            co_await settled(caller);
            CHECK(caller.cancelled());
            CHECK(stats.attempts == 1);
        }());
        CHECK(h.log(channel::retry) == Lines{"0.000 caller attempt 1/3"});
    }
    check_no_leaks();
}

TEST_CASE("retry: fn may return any awaitable, and may throw before returning one") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Flaky service{.failures = 1};
            auto spawning = [&service] { return spawn(call(&service), "attempt"); };
            CHECK(co_await retry(RetryPolicy{}, spawning) == 2);

            int tries = 0;
            auto throwing = [&tries]() -> Task<void> {
                if (++tries < 3) throw ValueError("not yet");
                return []() -> Task<void> { co_return; }();
            };
            co_await retry(RetryPolicy{}, throwing);
            CHECK(tries == 3);

            auto napping = [] { return sleep(secs(0.5)); };  // a leaf awaiter
            co_await retry(RetryPolicy{}, napping);
            CHECK(Loop::current().now() == secs(0.02 + 0.02 + 0.04 + 0.5));
        }());
    }
    check_no_leaks();
}

TEST_CASE("retry: a bad policy is refused at the call") {
    auto fn = [] { return yield(); };
    CHECK_THROWS_AS((void)retry(RetryPolicy{.max_attempts = 0}, fn), ValueError);
    CHECK_THROWS_AS((void)retry(RetryPolicy{.base_delay = secs(-1.0)}, fn), ValueError);
    CHECK_THROWS_AS((void)retry(RetryPolicy{.multiplier = 0.5}, fn), ValueError);
    CHECK_THROWS_AS((void)retry(RetryPolicy{.jitter = -0.1}, fn), ValueError);
    CHECK_THROWS_AS((void)retry(RetryPolicy{.attempt_timeout = Duration::zero()}, fn), ValueError);
    check_no_leaks();
}

TEST_CASE("retry: with slots an attempt starts, and is logged, once it holds a permit") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            // Two callers, one slot. a fails its first attempt at 0.01 s; during its backoff it
            // holds no permit, so b's first attempt runs then (0.01-0.06 s), and a's second
            // attempt starts when b gives the slot back at 0.06 s, though its backoff ended at
            // 0.03.
            Semaphore slots(1, "slots");
            Flaky a{.failures = 1, .work = 0.01};
            Flaky b{.work = 0.05};
            RetryPolicy policy{.base_delay = secs(0.02), .slots = &slots};
            auto call_a = [&a] { return call(&a); };
            auto call_b = [&b] { return call(&b); };
            auto ta = spawn(retry(policy, call_a), "a");
            auto tb = spawn(retry(policy, call_b), "b");
            CHECK(co_await ta == 2);
            CHECK(co_await tb == 1);
            CHECK(slots.value() == 1);
        }());
        CHECK(h.log(channel::retry) == Lines{"0.000 a attempt 1/3",
                                             "0.010 a backoff 0.02 s after RuntimeError: failure 1",
                                             "0.010 b attempt 1/3", "0.060 a attempt 2/3"});
        // Each wait has its own kind: b waits for the slot, a's backoff is not a plain sleep.
        CHECK(h.events({EventType::Suspended}) ==
              Lines{"0.000 main suspended task a", "0.000 a suspended sleep",
                    "0.000 b suspended slots.acquire", "0.010 a suspended backoff before a retry",
                    "0.010 b suspended sleep", "0.030 a suspended slots.acquire",
                    "0.060 a suspended sleep"});
        CHECK(h.output() == Lines{"0.000 a call 1", "0.010 b call 1", "0.060 a call 2"});
    }
    check_no_leaks();
}

TEST_CASE("retry: the attempt's timeout starts once the permit is held") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Semaphore slots(1);
            auto holder = spawn(
                [](Semaphore* s) -> Task<void> {
                    auto held = co_await s->hold();
                    co_await sleep(secs(1.0));
                }(&slots),
                "holder");
            co_await yield();
            Flaky service{.work = 0.05};
            RetryPolicy policy{.attempt_timeout = secs(0.08), .slots = &slots};
            CHECK(co_await retry(policy, [&service] { return call(&service); }) == 1);
            CHECK(Loop::current().now() == secs(1.05));  // a second in line, then 0.05 s of work
            co_await holder;
        }());
        CHECK(h.log(channel::retry) == Lines{"1.000 main attempt 1/3"});
    }
    check_no_leaks();
}

TEST_CASE("retry: giving up after a single attempt says attempt, not attempts") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Flaky service{.failures = 100};
        CHECK_THROWS_AS(
            co_await retry(RetryPolicy{.max_attempts = 1}, [&service] { return call(&service); }),
            RuntimeError);
    }());
    CHECK(h.log(channel::retry).back() ==
          "0.000 main gave up after 1 attempt: RuntimeError: failure 1");
}

// CircuitBreaker: the full cycle with exact transition times, fail-fast calls that never run,
// one probe at a time, what counts as a failure, and a breaker shared by retrying callers.
#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

using State = BreakerState;

/// A fake service answering each request after `work` seconds as `script` says, one letter per
/// request: 'F' fails with RuntimeError, 'V' with ValueError; other letters, or past the end of
/// the script, succeed with the request's number.
struct Service {
    std::string script;
    double work = 0.01;
    int requests = 0;
};

Task<int> request(Service* service) {
    const int n = ++service->requests;
    co_await sleep(secs(service->work));
    const char answer =
        n <= static_cast<int>(service->script.size()) ? service->script[n - 1] : 'S';
    if (answer == 'F') throw RuntimeError("service down");
    if (answer == 'V') throw ValueError("bad request");
    co_return n;
}

/// One call through the breaker, as a line: "ok 4", "RuntimeError: service down".
Task<std::string> attempt(CircuitBreaker* breaker, Service* service) {
    std::string outcome;
    try {
        const int n = co_await breaker->call([service] { return request(service); });
        outcome = fmt::format("ok {}", n);
    } catch (const Error&) {
        outcome = describe(std::current_exception());
    }
    co_return outcome;
}

Task<void> sleep_until(double t) {
    co_await sleep(secs(t) - Loop::current().now());
}

Task<int> succeed_after(double seconds) {
    co_await sleep(secs(seconds));
    co_return 1;
}

Task<int> fail_after(double seconds) {
    co_await sleep(secs(seconds));
    throw RuntimeError("late failure");
}

const std::string down = "RuntimeError: service down";
const std::string in_probe =
    "CircuitOpenError: circuit breaker is half-open: a probe call is in flight";

}  // namespace

TEST_CASE("breaker: closed -> open -> half-open -> closed at exact times") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Service service{.script = "FFF"};
            CircuitBreaker breaker({.failure_threshold = 3, .cooldown = secs(0.5)});
            Lines outcomes;
            const std::vector<double> times{0.0, 0.1, 0.2, 0.7, 0.71, 0.72};
            for (double t : times) {
                co_await sleep_until(t);
                outcomes.push_back(co_await attempt(&breaker, &service));
            }
            CHECK(
                outcomes ==
                Lines{
                    down, down, down,
                    "CircuitOpenError: circuit breaker is open: calls fail fast for another 0.01 s",
                    "ok 4", "ok 5"});
            const std::vector<BreakerTransition> expected{
                {secs(0.21), State::Closed, State::Open},
                {secs(0.71), State::Open, State::HalfOpen},
                {secs(0.72), State::HalfOpen, State::Closed}};
            CHECK(breaker.transitions() == expected);
            CHECK(breaker.state() == State::Closed);
            CHECK(breaker.rejected() == 1);
            CHECK(service.requests == 5);
        }());
        CHECK(h.log(channel::breaker) == Lines{"0.210 main closed -> open",
                                               "0.710 main open -> half-open",
                                               "0.720 main half-open -> closed"});
    }
    check_no_leaks();
}

TEST_CASE("breaker: a success while closed resets the count of consecutive failures") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Service service{.script = "FFSFFF"};
        CircuitBreaker breaker({.failure_threshold = 3});
        for (int i = 0; i < 5; ++i) co_await attempt(&breaker, &service);
        CHECK(breaker.state() == State::Closed);
        CHECK(breaker.consecutive_failures() == 2);
        co_await attempt(&breaker, &service);
        CHECK(breaker.state() == State::Open);
        CHECK(breaker.transitions().at(0).t == secs(0.06));
    }());
}

TEST_CASE("breaker: calls while open fail fast, never call fn, and are counted") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Service service{.script = "FF"};
            CircuitBreaker breaker({.failure_threshold = 2, .cooldown = secs(1.0)});
            co_await attempt(&breaker, &service);
            co_await attempt(&breaker, &service);
            REQUIRE(breaker.state() == State::Open);
            int invoked = 0;
            int refused = 0;
            for (int i = 0; i < 5; ++i) {
                try {
                    co_await breaker.call([&invoked, &service] {
                        ++invoked;
                        return request(&service);
                    });
                } catch (const CircuitOpenError&) {
                    ++refused;
                }
            }
            CHECK(invoked == 0);
            CHECK(refused == 5);
            CHECK(breaker.rejected() == 5);
            CHECK(service.requests == 2);
            CHECK(Loop::current().now() == secs(0.02));  // failing fast takes no time
            CHECK(breaker.cooldown_end() == secs(1.02));
        }());
    }
    check_no_leaks();
}

TEST_CASE("breaker: a failed probe opens it again and the cooldown restarts") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Service service{.script = "FFF"};
        CircuitBreaker breaker({.failure_threshold = 2, .cooldown = secs(0.3)});
        Lines outcomes;
        const std::vector<double> times{0.0, 0.01, 0.32, 0.62, 0.63};
        for (double t : times) {
            co_await sleep_until(t);
            outcomes.push_back(co_await attempt(&breaker, &service));
        }
        CHECK(outcomes ==
              Lines{down, down, down,
                    "CircuitOpenError: circuit breaker is open: calls fail fast for another 0.01 s",
                    "ok 4"});
    }());
    CHECK(h.log(channel::breaker) ==
          Lines{"0.020 main closed -> open", "0.320 main open -> half-open",
                "0.330 main half-open -> open", "0.630 main open -> half-open",
                "0.640 main half-open -> closed"});
}

TEST_CASE("breaker: calls that arrive during the half-open probe fail fast") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Service service{.script = "F", .work = 0.05};
            CircuitBreaker breaker({.failure_threshold = 1, .cooldown = secs(0.1)});
            CHECK(co_await attempt(&breaker, &service) == down);
            co_await sleep_until(0.15);
            std::vector<TaskHandle<std::string>> calls;
            calls.push_back(spawn(attempt(&breaker, &service), "probe"));
            co_await sleep_until(0.16);
            for (int i = 1; i <= 3; ++i) {
                calls.push_back(spawn(attempt(&breaker, &service), fmt::format("c{}", i)));
            }
            const std::vector<std::string> outcomes = co_await gather(std::move(calls));
            CHECK(outcomes == Lines{"ok 2", in_probe, in_probe, in_probe});
            CHECK(breaker.rejected() == 3);
            CHECK(co_await attempt(&breaker, &service) == "ok 3");
        }());
        CHECK(h.log(channel::breaker) == Lines{"0.050 main closed -> open",
                                               "0.150 probe open -> half-open",
                                               "0.200 probe half-open -> closed"});
    }
    check_no_leaks();
}

TEST_CASE("breaker: a cancelled probe does not count; the next call probes") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Service service{.script = "F", .work = 0.05};
            CircuitBreaker breaker({.failure_threshold = 1, .cooldown = secs(0.1)});
            co_await attempt(&breaker, &service);
            co_await sleep_until(0.15);
            auto probe = spawn(attempt(&breaker, &service), "probe");
            co_await sleep_until(0.17);
            probe.cancel();
            co_await settled(probe);
            CHECK(probe.cancelled());
            CHECK(breaker.state() == State::HalfOpen);
            co_await sleep_until(0.18);
            CHECK(co_await attempt(&breaker, &service) == "ok 3");
            CHECK(breaker.rejected() == 0);
        }());
        CHECK(h.log(channel::breaker) == Lines{"0.050 main closed -> open",
                                               "0.150 probe open -> half-open",
                                               "0.230 main half-open -> closed"});
    }
    check_no_leaks();
}

TEST_CASE("breaker: cancelled calls and errors is_failure rejects neither count nor reset") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Service service{.script = "VFVSF"};
            CircuitBreaker breaker(
                {.failure_threshold = 2, .is_failure = errors_of<RuntimeError>()});
            for (int i = 0; i < 3; ++i) co_await attempt(&breaker, &service);
            CHECK(breaker.consecutive_failures() == 1);
            auto cancelled = spawn(attempt(&breaker, &service), "cancelled");
            co_await sleep_until(0.035);
            cancelled.cancel();
            co_await settled(cancelled);
            CHECK(breaker.consecutive_failures() == 1);
            CHECK(breaker.state() == State::Closed);
            CHECK(co_await attempt(&breaker, &service) == down);
            CHECK(breaker.state() == State::Open);
        }());
        CHECK(h.log(channel::breaker) == Lines{"0.045 main closed -> open"});
    }
    check_no_leaks();
}

TEST_CASE("breaker: a slow call admitted before it opened cannot restart the cooldown") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            CircuitBreaker breaker({.failure_threshold = 2, .cooldown = secs(1.0)});
            auto late_ok = spawn(breaker.call([] { return succeed_after(0.6); }), "late-ok");
            auto late_fail = spawn(breaker.call([] { return fail_after(0.5); }), "late-fail");
            co_await yield();  // both are admitted while closed
            for (int i = 0; i < 2; ++i) {
                CHECK_THROWS_AS(co_await breaker.call([] { return fail_after(0.01); }),
                                RuntimeError);
            }
            CHECK(breaker.state() == State::Open);
            co_await settled(late_ok);
            co_await settled(late_fail);
            CHECK_THROWS_AS(late_fail.result(), RuntimeError);
            CHECK(breaker.state() == State::Open);
            CHECK(breaker.cooldown_end() == secs(1.02));
            co_await sleep_until(1.02);
            CHECK(co_await breaker.call([] { return succeed_after(0.01); }) == 1);
            CHECK(breaker.transitions().size() == 3);
            CHECK(breaker.transitions().back() ==
                  BreakerTransition{secs(1.03), State::HalfOpen, State::Closed});
        }());
    }
    check_no_leaks();
}

namespace {

/// Hangs while the service is down (before `up_at`); answers in 0.01 s once it is up.
Task<std::string> fetch(Duration up_at, std::string url) {
    const bool up = Loop::current().now() >= up_at;
    co_await sleep(secs(up ? 0.01 : 10.0));
    co_return url;
}

/// A caller retrying through the shared breaker; the timeout sits inside the breaker so that
/// timeouts count as the breaker's failures.
Task<std::string> worker(CircuitBreaker* breaker, RetryStats* stats, std::string url) {
    RetryPolicy policy{.max_attempts = 5, .base_delay = secs(0.05), .max_delay = secs(0.2)};
    // Built in a statement of its own: GCC 12 corrupts a closure that captures a std::string by
    // value when the closure is made inside the co_await expression.
    auto guarded_fetch = [breaker, url] {
        return breaker->call([url] { return timeout(secs(0.08), fetch(secs(0.3), url)); });
    };
    co_return co_await retry(policy, std::move(guarded_fetch), stats);
}

}  // namespace

TEST_CASE("breaker and retry: concurrent callers share one breaker") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            CircuitBreaker breaker({.failure_threshold = 3, .cooldown = secs(0.2)});
            std::vector<RetryStats> stats(3);
            std::vector<TaskHandle<std::string>> workers;
            for (int i = 0; i < 3; ++i) {
                workers.push_back(spawn(worker(&breaker, &stats[i], fmt::format("u{}", i)),
                                        fmt::format("w{}", i)));
            }
            const std::vector<std::string> pages = co_await gather(std::move(workers));
            CHECK(pages == Lines{"u0", "u1", "u2"});
            CHECK(stats[0].attempts == 4);
            CHECK(stats[1].attempts == 5);
            CHECK(stats[2].attempts == 5);
            CHECK(breaker.rejected() == 8);  // 3 at 0.13, 3 at 0.23, 2 during the probe at 0.43
            CHECK(breaker.state() == State::Closed);
            CHECK(Loop::current().now() == secs(0.64));
        }());
        CHECK(h.log(channel::breaker) == Lines{"0.080 w2 closed -> open",
                                               "0.430 w0 open -> half-open",
                                               "0.440 w0 half-open -> closed"});
        Lines w1;
        for (const auto& line : h.log(channel::retry)) {
            if (line.find(" w1 ") != std::string::npos) w1.push_back(line);
        }
        CHECK(w1 ==
              Lines{"0.000 w1 attempt 1/5",
                    "0.080 w1 backoff 0.05 s after TimeoutError: timed out after 0.08 s",
                    "0.130 w1 attempt 2/5",
                    "0.130 w1 backoff 0.1 s after CircuitOpenError: circuit breaker is open: calls "
                    "fail fast for another 0.15 s",
                    "0.230 w1 attempt 3/5",
                    "0.230 w1 backoff 0.2 s after CircuitOpenError: circuit breaker is open: calls "
                    "fail fast for another 0.05 s",
                    "0.430 w1 attempt 4/5", "0.430 w1 backoff 0.2 s after " + in_probe,
                    "0.630 w1 attempt 5/5"});
    }
    check_no_leaks();
}

TEST_CASE("breaker: a bad policy is refused; states have learners' names") {
    CHECK_THROWS_AS(CircuitBreaker({.failure_threshold = 0}), ValueError);
    CHECK_THROWS_AS(CircuitBreaker({.cooldown = secs(-1.0)}), ValueError);
    CHECK(to_string(State::Closed) == "closed");
    CHECK(to_string(State::Open) == "open");
    CHECK(to_string(State::HalfOpen) == "half-open");
}

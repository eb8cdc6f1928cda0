// Lesson 6 — resilience: surviving a flaky service by putting the earlier lessons together. Each
// attempt waits for one of --concurrency slots (a semaphore, lesson 4) and runs under a --timeout
// (lesson 2); a failed attempt is retried after a backoff that doubles each time, stretched by a
// random jitter; and in the second demo a circuit breaker stops calling a service that is down,
// probes it after a cooldown, and closes again once it answers.
//
// `asynclab run 6` runs the demos below in order, each as the main task of a fresh loop. Every
// random choice (how long each answer takes, whether it is an error, each backoff's jitter) comes
// from the run's seeded generator, so the same --seed replays the same run, failures included.
// Each URL draws from a generator of its own, seeded from the run's in URL order: what happens to
// one URL does not depend on which of two calls due at the same moment the loop happens to run
// first, so a run on the real clock tells the virtual clock's story.

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {
namespace {

using std::chrono::milliseconds;

// The breaker demo's scene: a client sends a request every 25 ms; the service stops answering at
// 0.1 s and is back at 0.3 s. Three timeouts in a row open the breaker; 0.1 s later a call may
// probe.
constexpr Duration arrival_gap = milliseconds(25);
constexpr Duration down_from = milliseconds(100);
constexpr Duration down_until = milliseconds(300);
constexpr int breaker_threshold = 3;
constexpr Duration breaker_cooldown = milliseconds(100);

/// The service answered with an error status (httpx raises HTTPStatusError).
class HTTPError : public Error {
  public:
    using Error::Error;
    [[nodiscard]] const char* kind() const noexcept override { return "HTTPError"; }
};

/// The fake service. While `down` it takes requests and never answers them.
struct FakeService {
    double fail_rate = 0.0;
    bool down = false;
    int requests = 0;       // requests that reached it
    int in_flight = 0;      // requests it is working on right now
    int max_in_flight = 0;  // the most at once: what --concurrency must bound
};

/// What the service drew for one request, so that the caller can say why it failed.
struct Request {
    Duration latency{};
    bool error = false;
    bool unanswered = false;
};

/// Counts a request as in flight for as long as the service works on it, however that ends:
/// answered, or abandoned when the caller's timeout cancels it.
class InFlight {
  public:
    explicit InFlight(FakeService* service) : service_(service) {
        ++service_->requests;
        service_->max_in_flight = std::max(service_->max_in_flight, ++service_->in_flight);
    }
    ~InFlight() { --service_->in_flight; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

  private:
    FakeService* service_;
};

// The service handling one request. Its fate is drawn as it arrives, from the URL's generator: the
// answer takes 10 to 60 ms and is an error with probability --fail-rate. Both are drawn for every
// request, so a seed gives the same latencies whatever the fail rate. The caller's wait is traced
// as I/O, not as a sleep: it is what a network call would be.
Task<std::string> serve(FakeService* service, Request* request, Random* random) {
    InFlight counted(service);
    request->latency = milliseconds(random->integer(10, 60));
    request->error = random->chance(service->fail_rate);
    if (service->down) {
        request->unanswered = true;
        // No answer: only the caller's timeout ends this.
        co_await sleep_as(WaitKind::Io, std::chrono::hours(1), "service");
    }
    co_await sleep_as(WaitKind::Io, request->latency, "service");
    if (request->error) throw HTTPError("503 Service Unavailable");
    co_return "200 OK";
}

// The call as the service sees it: under the per-attempt deadline. When time is up the request is
// cancelled (it stops counting as in flight) and TimeoutError is raised here.
Task<std::string> timed_request(FakeService* service, Duration limit, Request* request,
                                Random* random) {
    co_return co_await timeout(limit, serve(service, request, random));
}

/// What every call in a demo shares.
struct Client {
    FakeService* service = nullptr;
    Duration limit{};  // --timeout, per attempt
    CircuitBreaker* breaker = nullptr;
};

long long ms(Duration d) {
    return std::chrono::duration_cast<milliseconds>(d).count();
}

// One attempt, once retry() has given it a slot: send the request — through the breaker, when
// there is one. The deadline starts only now: time spent waiting for a turn is not the service's
// fault. (And the breaker decides at the moment the request would go out, so an open breaker lets
// nothing through.) The printed line says how the attempt ended, and why.
Task<std::string> attempt(Client client, const RetryStats* stats, Random* random) {
    const int n = stats->attempts;  // retry() has counted this attempt already
    const Duration sent = Loop::current().now();
    Request request;
    auto send = [client, &request, random] {
        return timed_request(client.service, client.limit, &request, random);
    };
    try {
        std::string answer;
        if (client.breaker != nullptr) {
            answer = co_await client.breaker->call(send);  // may refuse: CircuitOpenError
        } else {
            answer = co_await send();
        }
        print("attempt {}: {} in {} ms", n, answer, ms(Loop::current().now() - sent));
        co_return answer;
    } catch (const CircuitOpenError&) {
        print("attempt {}: refused by the breaker at once, never sent", n);
        throw;
    } catch (const TimeoutError&) {
        const Duration waited = Loop::current().now() - sent;
        if (request.unanswered) {
            print("attempt {}: no answer in {} ms, timed out (the service is down)", n, ms(waited));
        } else if (request.latency == waited) {  // a tie: the deadline fires first
            print("attempt {}: timed out at {} ms, the very moment its answer was due", n,
                  ms(waited));
        } else {
            print("attempt {}: no answer in {} ms, timed out (the answer needed {} ms)", n,
                  ms(waited), ms(request.latency));
        }
        throw;
    } catch (const HTTPError& e) {
        print("attempt {}: {} in {} ms", n, e.what(), ms(Loop::current().now() - sent));
        throw;
    }
}

// The retry policy: up to --retries more attempts, the backoff doubling from 0.02 s (0.02, 0.04,
// 0.08 s...), each stretched by a random 0-50% (jitter 0.5): clients that fail together would
// otherwise retry together, in waves. Each attempt holds one of the --concurrency slots, and only
// the attempt: a URL waiting out its backoff leaves its slot to another
// (asyncio: `async with sem:` around each attempt, the sleep outside it).
RetryPolicy retry_policy(int retries, Semaphore* slots) {
    return RetryPolicy{.max_attempts = retries + 1,
                       .base_delay = milliseconds(20),
                       .multiplier = 2.0,
                       .max_delay = std::chrono::seconds(60),  // a cap, never reached here
                       .jitter = 0.5,
                       .slots = slots};
}

// One URL: attempts until one succeeds or the attempts run out; the last error then propagates
// and this task fails with it. The lambda is made in a statement of its own (GCC 12, see
// retry.hpp); retry() keeps it, and calls it once per attempt. `random` is the URL's own
// generator: its requests' fates and its backoffs' jitter.
Task<std::string> fetch_url(Client client, RetryPolicy policy, RetryStats* stats, Random* random) {
    policy.random = random;
    auto one_attempt = [client, stats, random] { return attempt(client, stats, random); };
    co_return co_await retry(std::move(policy), one_attempt, stats);
}

std::string url_name(int i, int urls) {
    const std::string last = std::to_string(urls);
    return fmt::format("url-{:0{}}", i + 1, std::max<std::size_t>(2, last.size()));
}

/// The figures both demos report, and one line naming each URL that failed and why.
void report(Demo& demo, const std::vector<Outcome<std::string>>& outcomes,
            const std::vector<RetryStats>& stats, const std::vector<std::string>& names,
            const FakeService& service) {
    int ok = 0;
    int failed = 0;
    std::vector<int> attempts;
    std::vector<std::string> failures;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        attempts.push_back(stats[i].attempts);
        if (outcomes[i].ok()) {
            ++ok;
        } else {
            ++failed;
            failures.push_back(fmt::format("{} after {} attempt{}: {}", names[i], stats[i].attempts,
                                           stats[i].attempts == 1 ? "" : "s",
                                           describe(outcomes[i].error())));
        }
    }
    print("{} of {} URL{} ok, {} failed", ok, outcomes.size(), outcomes.size() == 1 ? "" : "s",
          failed);
    for (const auto& f : failures) print("  failed: {}", f);
    int total = 0;
    for (int a : attempts) total += a;
    demo.metric("ok", ok);
    demo.metric("failed", failed);
    demo.metric("attempts_total", total);
    demo.metric("attempts", attempts);  // per URL, in order
    demo.metric("requests", service.requests);
    demo.metric("max_concurrency", service.max_in_flight);
}

// Flaky fetches: --urls of them at once, at most --concurrency in flight, each attempt under
// --timeout, failed ones retried with backoff. gather(return_exceptions, ...) waits for them all:
// one URL failing for good does not stop the others.
Task<void> retry_demo(Demo& demo) {
    const int urls = demo.count("urls");
    FakeService service{.fail_rate = demo.number("fail-rate")};
    Semaphore slots(demo.size("concurrency"), "slots");
    const Client client{.service = &service, .limit = demo.seconds("timeout")};
    const RetryPolicy policy = retry_policy(demo.count("retries"), &slots);

    std::vector<RetryStats> stats(demo.size("urls"));  // sized once: no reallocation
    std::vector<Random> randoms;
    randoms.reserve(demo.size("urls"));
    std::vector<std::string> names;
    std::vector<TaskHandle<std::string>> calls;
    for (int i = 0; i < urls; ++i) {
        names.push_back(url_name(i, urls));
        randoms.emplace_back(Loop::current().random().next());
        calls.push_back(spawn(fetch_url(client, policy, &stats[i], &randoms.back()), names.back()));
    }
    const auto outcomes = co_await gather(return_exceptions, std::move(calls));
    report(demo, outcomes, stats, names, service);
}

// The outage: the service stops answering, and later comes back.
Task<void> outage(FakeService* service) {
    co_await sleep(down_from);
    service->down = true;
    print("the service goes down: requests now get no answer");
    co_await sleep(down_until - down_from);
    service->down = false;
    print("the service is back up");
}

// The same client, now with a circuit breaker around each request, and a service that goes down
// for a while. Requests arrive one every 25 ms. A call the breaker refuses is not retried: the
// breaker has just said the service is down, and the caller should fall back (a cached page, a
// default) rather than ask again. The service here fails only by being down; --fail-rate is the
// first demo's.
Task<void> breaker_demo(Demo& demo) {
    const int urls = demo.count("urls");
    FakeService service;
    Semaphore slots(demo.size("concurrency"), "slots");
    CircuitBreaker breaker({.failure_threshold = breaker_threshold, .cooldown = breaker_cooldown});
    const Client client{.service = &service, .limit = demo.seconds("timeout"), .breaker = &breaker};
    RetryPolicy policy = retry_policy(demo.count("retries"), &slots);
    policy.retryable = errors_of<TimeoutError, HTTPError>();  // not CircuitOpenError

    TaskHandle<void> service_task = spawn(outage(&service), "service");
    std::vector<RetryStats> stats(demo.size("urls"));
    std::vector<Random> randoms;
    randoms.reserve(demo.size("urls"));  // sized once: the URLs' tasks point into it
    std::vector<std::string> names;
    std::vector<TaskHandle<std::string>> calls;
    for (int i = 0; i < urls; ++i) {
        if (i > 0) co_await sleep(arrival_gap);
        names.push_back(url_name(i, urls));
        randoms.emplace_back(Loop::current().random().next());
        calls.push_back(spawn(fetch_url(client, policy, &stats[i], &randoms.back()), names.back()));
    }
    const auto outcomes = co_await gather(return_exceptions, std::move(calls));
    co_await service_task;
    report(demo, outcomes, stats, names, service);

    demo.metric("rejected", breaker.rejected());  // calls refused without reaching the service
    demo.metric("state_changes", breaker.transitions());  // each {t_s, from, to}
    demo.metric("final_state", to_string(breaker.state()));
    demo.metric("failure_threshold", breaker_threshold);
    demo.metric("cooldown_s", breaker_cooldown);
}

}  // namespace

// The lesson: its number, and its demos in the order `run 6` runs them. Its knobs and its
// words are in lesson_data/06-resilience.toml.
const Lesson& lesson_resilience() {
    static const Lesson lesson{6, "resilience", {{"retry", retry_demo}, {"breaker", breaker_demo}}};
    return lesson;
}

}  // namespace asynclab::lessons

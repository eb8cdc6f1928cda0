// Lesson 6 (resilience): the figures of both demos for seed 42, and a property test: for many seeds
// and knob settings, every promise of the lesson checked from the trace and the metrics — attempts
// per URL, each started (and logged) only once it holds a slot, per-attempt deadlines, jittered
// backoff gaps, the concurrency limit, no request while the breaker is open, ok + failed = urls —
// plus the worst case the text claims, its predict question, and the same story on the real clock
// at any --speed.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lesson_helpers.hpp"

using namespace asynclab;
using namespace asynclab::testing;
using Strings = std::vector<std::string>;
using Knobs = std::map<std::string, std::string>;

namespace {

/// One attempt of one URL, as the trace shows it.
struct Attempt {
    int number = 0;
    Duration started{};    ///< The retry's "attempt k/n", once it holds a slot.
    bool reached = false;  ///< Reached the service (the breaker did not refuse it).
    Duration arrived{};    ///< When it reached the service.
    BreakerState state_on_arrival = BreakerState::Closed;
    Duration ended{};     ///< Its "attempt k: ..." line.
    std::string outcome;  ///< That line.
    Duration backoff{};   ///< The backoff wait after it, if any, as long as the trace has it.
    Duration backoff_logged{};
    std::optional<Duration> backoff_from;  ///< While in its backoff wait: when it began.
};

struct UrlRun {
    std::string name;
    std::vector<Attempt> attempts;
    std::string end;  ///< "completed" / "failed"
};

struct Analysis {
    std::vector<UrlRun> urls;  ///< In task order (url-01 first).
    int max_in_flight = 0;
    int max_open_attempts = 0;  ///< Attempts between their "attempt k/n" and their outcome line.
    int most_slots_in_use = 0;  ///< The slots counter's highest value.
    std::vector<std::string> breaker_log;  ///< "0.230 closed -> open"
    int arrivals_while_open = 0;
    int most_arrivals_in_one_half_open = 0;
};

Analysis analyze(const lessons::DemoRun& run) {
    Analysis a;
    std::map<std::uint64_t, std::size_t> index;  // task id -> urls[i]
    for (const TaskInfo& info : run.trace.tasks()) {
        if (info.name.starts_with("url-")) {
            index[info.id] = a.urls.size();
            a.urls.push_back({info.name, {}, "pending"});
        }
    }
    BreakerState state = BreakerState::Closed;
    int in_flight = 0;
    int open_attempts = 0;
    for (const CounterSample& c : run.trace.counters()) {
        CHECK(c.kind == CounterKind::PermitsInUse);
        CHECK(c.name == "slots");
        a.most_slots_in_use = std::max(a.most_slots_in_use, static_cast<int>(c.value));
    }
    int arrivals_this_half_open = 0;
    // Per task: is its current attempt between its start and its outcome line?
    std::map<std::uint64_t, bool> open_attempt;
    for (const TraceEvent& e : run.trace.events()) {
        if (e.type == EventType::BreakerChanged) {
            CHECK(e.from == state);
            state = e.to;
            a.breaker_log.push_back(
                fmt::format("{:.3f} {} -> {}", to_secs(e.t), to_string(e.from), to_string(e.to)));
            arrivals_this_half_open = 0;
            continue;
        }
        auto it = index.find(e.task);
        if (it == index.end()) continue;
        UrlRun& url = a.urls[it->second];
        if (e.type == EventType::Completed || e.type == EventType::Failed) {
            url.end = std::string(to_string(e.type));
        } else if (e.type == EventType::Log && e.name == channel::retry) {
            if (e.text.starts_with("attempt ")) {
                Attempt next;
                next.number = std::stoi(std::string(e.text.substr(8)));
                next.started = e.t;
                url.attempts.push_back(next);
                open_attempt[e.task] = true;
                a.max_open_attempts = std::max(a.max_open_attempts, ++open_attempts);
            } else if (e.text.starts_with("backoff ")) {
                REQUIRE(!url.attempts.empty());
                url.attempts.back().backoff_logged = e.t;
            }
        } else if (e.type == EventType::Suspended && e.wait == WaitKind::Backoff) {
            REQUIRE(!url.attempts.empty());
            url.attempts.back().backoff_from = e.t;
        } else if (e.type == EventType::Resumed && !url.attempts.empty() &&
                   url.attempts.back().backoff_from) {
            Attempt& at = url.attempts.back();
            at.backoff = e.t - *at.backoff_from;
            at.backoff_from.reset();
        } else if (e.type == EventType::Suspended && e.wait == WaitKind::Io &&
                   open_attempt[e.task] && !url.attempts.back().reached) {
            // The first I/O wait of an attempt is the service working on its request.
            CHECK(e.name == "service");
            Attempt& at = url.attempts.back();
            at.reached = true;
            at.arrived = e.t;
            at.state_on_arrival = state;
            if (state == BreakerState::Open) ++a.arrivals_while_open;
            if (state == BreakerState::HalfOpen) {
                a.most_arrivals_in_one_half_open =
                    std::max(a.most_arrivals_in_one_half_open, ++arrivals_this_half_open);
            }
            a.max_in_flight = std::max(a.max_in_flight, ++in_flight);
        } else if (e.type == EventType::Log && e.name == channel::output &&
                   e.text.starts_with("attempt ")) {
            REQUIRE(open_attempt[e.task]);
            Attempt& at = url.attempts.back();
            CHECK(e.text.starts_with(fmt::format("attempt {}: ", at.number)));
            at.ended = e.t;
            at.outcome = e.text;
            if (at.reached) --in_flight;
            --open_attempts;
            open_attempt[e.task] = false;
        }
    }
    return a;
}

/// Every promise of the lesson, for one run of either demo.
void check_invariants(const lessons::DemoRun& run, const Knobs& knobs) {
    CAPTURE(run.spec->id);
    REQUIRE(!run.error);
    const lessons::Lesson& lesson = *lessons::find_lesson(6);
    const lessons::Knobs values(lesson.knobs(), knobs);
    const int urls = values.count("urls");
    const int retries = values.count("retries");
    const Duration limit = values.seconds("timeout");
    const RetryPolicy policy{.max_attempts = retries + 1, .max_delay = secs(60.0)};

    const Analysis a = analyze(run);
    const auto& m = metrics_json(run);
    REQUIRE(a.urls.size() == static_cast<std::size_t>(urls));
    CHECK(m["ok"].get<int>() + m["failed"].get<int>() == urls);
    int completed = 0;
    int total = 0;
    int requests = 0;
    for (std::size_t i = 0; i < a.urls.size(); ++i) {
        const UrlRun& url = a.urls[i];
        CAPTURE(url.name);
        completed += url.end == "completed" ? 1 : 0;
        CHECK((url.end == "completed" || url.end == "failed"));
        // No URL has more than retries + 1 attempts, and the metric says how many it had.
        CHECK(!url.attempts.empty());
        CHECK(url.attempts.size() <= static_cast<std::size_t>(retries + 1));
        CHECK(m["attempts"][i] == url.attempts.size());
        total += static_cast<int>(url.attempts.size());
        for (std::size_t k = 0; k < url.attempts.size(); ++k) {
            const Attempt& at = url.attempts[k];
            CAPTURE(at.outcome);
            CHECK(at.number == static_cast<int>(k) + 1);
            CHECK(!at.outcome.empty());
            if (at.reached) {
                ++requests;
                // No attempt spends longer than --timeout at the service.
                CHECK(at.ended - at.arrived <= limit);
                CHECK(at.arrived >= at.started);
            } else {
                CHECK(at.outcome.find("refused by the breaker") != std::string::npos);
            }
            if (k + 1 < url.attempts.size()) {
                // Every backoff is the policy's delay stretched by a jitter of 0 to 50 %, and the
                // next attempt starts no sooner (later when it must wait for a slot).
                const Duration delay = backoff_delay(policy, static_cast<int>(k) + 1);
                CHECK(at.backoff >= delay);
                CHECK(at.backoff <= delay + delay / 2);
                CHECK(at.backoff_logged == at.ended);
                CHECK(url.attempts[k + 1].started - at.ended >= at.backoff);
                if (url.attempts[k + 1].reached) {
                    CHECK(url.attempts[k + 1].arrived - at.ended >= delay);
                }
            }
        }
        // A URL ends with the outcome of its last attempt.
        const bool last_ok = url.attempts.back().outcome.find("200 OK") != std::string::npos;
        CHECK(last_ok == (url.end == "completed"));
    }
    CHECK(m["ok"] == completed);
    CHECK(m["attempts_total"] == total);
    CHECK(m["requests"] == requests);
    // Concurrency never exceeds --concurrency: not at the service, not among the attempts the
    // retry log says have started, nor on the slots counter (an instant's last value: never more
    // than the attempts open in that instant).
    CHECK(a.max_in_flight <= values.count("concurrency"));
    CHECK(a.max_open_attempts <= values.count("concurrency"));
    CHECK(a.most_slots_in_use <= a.max_open_attempts);
    CHECK(a.most_slots_in_use >= std::min(a.max_in_flight, 1));
    CHECK(m["max_concurrency"] == a.max_in_flight);
    // While the breaker is open no call reaches the service; half-open lets one probe through.
    CHECK(a.arrivals_while_open == 0);
    CHECK(a.most_arrivals_in_one_half_open <= 1);
    if (run.spec->id == "breaker") {
        CHECK(m["rejected"] == total - requests);
        Strings from_metrics;
        for (const auto& c : m["state_changes"]) {
            from_metrics.push_back(fmt::format("{:.3f} {} -> {}", c["t_s"].get<double>(),
                                               c["from"].get<std::string>(),
                                               c["to"].get<std::string>()));
        }
        CHECK(from_metrics == a.breaker_log);
    } else {
        CHECK(a.breaker_log.empty());
    }
}

/// The breaker's states in order: "closed open half-open closed".
std::string state_path(const lessons::DemoRun& run) {
    std::string path = "closed";
    const auto metrics = metrics_json(run);
    for (const auto& c : metrics["state_changes"]) path += " " + c["to"].get<std::string>();
    return path;
}

/// A URL's own time, from its first request to its end, without the waits for a slot: what the
/// worst case (retries + 1) x timeout + backoffs bounds.
Duration own_time(const UrlRun& url) {
    Duration t{};
    for (const Attempt& at : url.attempts)
        t += (at.reached ? at.ended - at.arrived : Duration{}) + at.backoff;
    return t;
}

/// "0.030 url-03 attempt 1: 503 Service Unavailable in 30 ms" for each printed line.
Strings lines_of(const lessons::DemoRun& run) {
    Strings out;
    for (const auto& e : run.trace.events()) {
        if (e.type == EventType::Log && e.name == channel::output) {
            out.push_back(
                fmt::format("{:.3f} {} {}", to_secs(e.t), run.trace.task(e.task)->name, e.text));
        }
    }
    return out;
}

Strings lines_without(const lessons::DemoRun& run, const std::string& text) {
    Strings out;
    for (const auto& line : lines_of(run)) {
        if (line.find(text) == std::string::npos) out.push_back(line);
    }
    return out;
}

/// Everything a run recorded, as text: two runs are the same run when these are equal.
std::string fingerprint(const lessons::DemoRun& run) {
    std::string text = metrics_json(run).dump() + "\n";
    for (const auto& e : run.trace.events()) {
        text += fmt::format("{} {} {} {} {} {} {} {}\n", e.t.count(), e.task,
                            static_cast<int>(e.type), static_cast<int>(e.wait),
                            static_cast<int>(e.from), static_cast<int>(e.to), e.name, e.text);
    }
    return text;
}

}  // namespace

TEST_CASE("lesson 6 retry: the defaults, seed 42, exactly") {
    auto r = run_demo(6, "retry");
    REQUIRE(!r.error);
    CHECK(metrics_json(r)["ok"] == 20);
    CHECK(metrics_json(r)["failed"] == 0);
    CHECK(metrics_json(r)["attempts_total"] == 22);
    CHECK(metrics_json(r)["attempts"] ==
          nlohmann::json({1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1}));
    CHECK(metrics_json(r)["requests"] == 22);
    CHECK(metrics_json(r)["max_concurrency"] == 5);
    CHECK(r.duration == Duration{188'902'180});  // the jittered backoffs are not round
    const Strings failures = lines_without(r, "200 OK");
    CHECK(failures == Strings{
                          "0.088 url-09 attempt 1: 503 Service Unavailable in 40 ms",
                          "0.131 url-18 attempt 1: 503 Service Unavailable in 39 ms",
                          "0.189 main 20 of 20 URLs ok, 0 failed",
                      });
    // The first five take the five slots at once; the sixth starts when url-02 gives its back.
    const Analysis a = analyze(r);
    for (int i = 0; i < 5; ++i) CHECK(a.urls[i].attempts[0].started == Duration{});
    CHECK(a.urls[5].attempts[0].started == secs(0.026));
    check_invariants(r, {});
}

TEST_CASE("lesson 6 retry: a URL that fails for good, and timeouts, say why") {
    // Seed 2: url-06 gets three 503s in a row (a 0.25^3 chance: 1.6 % per URL).
    auto r = run_demo(6, "retry", {}, 2);
    CHECK(metrics_json(r)["ok"] == 19);
    CHECK(metrics_json(r)["failed"] == 1);
    CHECK(metrics_json(r)["attempts"][5] == 3);
    const Strings lines = lines_of(r);
    REQUIRE(lines.size() >= 2);
    CHECK(lines[lines.size() - 2] == "0.261 main 19 of 20 URLs ok, 1 failed");
    CHECK(lines.back() ==
          "0.261 main   failed: url-06 after 3 attempts: HTTPError: 503 Service Unavailable");
    check_invariants(r, {});

    // A timeout below the slowest answers (60 ms): those attempts time out and are retried.
    const Knobs knobs{{"timeout", "0.04"}, {"fail-rate", "0"}};
    auto slow = run_demo(6, "retry", knobs);
    CHECK(metrics_json(slow)["ok"] == 18);
    CHECK(metrics_json(slow)["failed"] == 2);
    CHECK(metrics_json(slow)["attempts_total"] == 34);
    const Strings failures = lines_without(slow, "200 OK");
    REQUIRE(failures.size() == 19);
    CHECK(failures[0] ==
          "0.040 url-01 attempt 1: no answer in 40 ms, timed out (the answer needed 48 ms)");
    CHECK(failures[4] ==
          "0.080 url-09 attempt 1: timed out at 40 ms, the very moment its answer "
          "was due");
    CHECK(failures[16] == "0.281 main 18 of 20 URLs ok, 2 failed");
    CHECK(failures[17] ==
          "0.281 main   failed: url-04 after 3 attempts: TimeoutError: timed out after 0.04 s");
    CHECK(failures[18] ==
          "0.281 main   failed: url-17 after 3 attempts: TimeoutError: timed out after 0.04 s");
    check_invariants(slow, knobs);
}

TEST_CASE("lesson 6 retry: the knobs do what they say") {
    SUBCASE("no failures: one attempt per URL") {
        const Knobs knobs{{"fail-rate", "0"}};
        auto r = run_demo(6, "retry", knobs);
        CHECK(metrics_json(r)["ok"] == 20);
        CHECK(metrics_json(r)["attempts_total"] == 20);
        check_invariants(r, knobs);
    }
    SUBCASE("everything fails: retries + 1 attempts each, then all fail") {
        const Knobs knobs{{"fail-rate", "1"}};
        auto r = run_demo(6, "retry", knobs);
        CHECK(metrics_json(r)["ok"] == 0);
        CHECK(metrics_json(r)["failed"] == 20);
        CHECK(metrics_json(r)["attempts_total"] == 60);
        check_invariants(r, knobs);
        const Knobs once{{"fail-rate", "1"}, {"retries", "0"}, {"urls", "4"}};
        auto r0 = run_demo(6, "retry", once);
        CHECK(metrics_json(r0)["attempts"] == nlohmann::json({1, 1, 1, 1}));
        CHECK(metrics_json(r0)["failed"] == 4);
        check_invariants(r0, once);
    }
    SUBCASE("one slot: one request at a time") {
        const Knobs knobs{{"concurrency", "1"}};
        auto r = run_demo(6, "retry", knobs);
        CHECK(metrics_json(r)["max_concurrency"] == 1);
        check_invariants(r, knobs);
        const Knobs wide{{"concurrency", "50"}};
        auto w = run_demo(6, "retry", wide);
        CHECK(metrics_json(w)["max_concurrency"] == 20);  // all 20 first attempts at once
        check_invariants(w, wide);
    }
}

TEST_CASE("lesson 6: the text's predict question — fail rate 0, timeout above 0.06 s") {
    // attempts_total == urls, whatever the concurrency, the retries or the timeout (0.08-0.2 s).
    struct Draw {
        int urls, concurrency;
        const char* timeout;
        int retries;
    };
    const std::vector<Draw> draws{{1, 1, "0.08", 1},  {20, 5, "0.2", 3},  {7, 3, "0.1", 2},
                                  {13, 1, "0.12", 1}, {20, 2, "0.08", 3}, {4, 5, "0.16", 2}};
    for (const Draw& d : draws) {
        const Knobs knobs{{"urls", std::to_string(d.urls)},
                          {"concurrency", std::to_string(d.concurrency)},
                          {"timeout", d.timeout},
                          {"retries", std::to_string(d.retries)},
                          {"fail-rate", "0"}};
        for (std::uint64_t seed : {1u, 42u, 977u}) {
            CAPTURE(d.urls);
            CAPTURE(seed);
            auto r = run_demo(6, "retry", knobs, seed);
            CHECK(metrics_json(r)["attempts_total"] == d.urls);
            CHECK(metrics_json(r)["ok"] == d.urls);
        }
    }
}

TEST_CASE("lesson 6: the worst case of one call is (retries + 1) x timeout + the backoffs") {
    // The text: 3 x 0.08 + 1.5 x 0.02 x (2^2 - 1) = 0.330 s with the defaults, the backoffs at
    // their longest jitter. With --fail-rate 1 every URL uses all its attempts; none takes longer
    // than that, slot waits aside.
    const Knobs failing{{"fail-rate", "1"}};
    auto r = run_demo(6, "retry", failing);
    const Analysis a = analyze(r);
    Duration longest{};
    for (const UrlRun& url : a.urls) {
        CHECK(url.attempts.size() == 3);
        longest = std::max(longest, own_time(url));
    }
    CHECK(longest <= secs(0.33));
    CHECK(longest > secs(0.06 + 0.03));  // three answers of at least 10 ms, and the backoffs

    // When every attempt uses its whole timeout the bound is reached but for the jitter: with a
    // 0.01 s timeout (answers take at least 10 ms) and a slot for everyone, every URL takes
    // 3 x 0.01 s plus its two backoffs, which the jitter spreads over 0.06 to 0.09 s.
    for (const char* rate : {"1", "0"}) {
        const Knobs knobs{{"fail-rate", rate}, {"timeout", "0.01"}, {"concurrency", "20"}};
        auto t = run_demo(6, "retry", knobs);
        CHECK(metrics_json(t)["failed"] == 20);
        Duration slowest{};
        std::set<Duration> spread;
        for (const UrlRun& url : analyze(t).urls) {
            Duration backoffs{};
            for (const Attempt& at : url.attempts) backoffs += at.backoff;
            CHECK(own_time(url) == secs(0.03) + backoffs);
            CHECK(backoffs >= secs(0.06));
            CHECK(backoffs <= secs(0.09));
            slowest = std::max(slowest, own_time(url));
            spread.insert(own_time(url));
        }
        CHECK(t.duration == slowest);
        CHECK(spread.size() > 10);  // the jitter has spread the retries apart
        check_invariants(t, knobs);
    }
}

TEST_CASE("lesson 6 breaker: the defaults, seed 42, exactly") {
    auto r = run_demo(6, "breaker");
    REQUIRE(!r.error);
    CHECK(r.duration == secs(0.517));
    CHECK(metrics_json(r)["ok"] == 9);
    CHECK(metrics_json(r)["failed"] == 11);
    CHECK(metrics_json(r)["attempts"] ==
          nlohmann::json({1, 1, 1, 1, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
    CHECK(metrics_json(r)["attempts_total"] == 27);
    CHECK(metrics_json(r)["requests"] == 16);
    CHECK(metrics_json(r)["rejected"] == 11);
    CHECK(metrics_json(r)["max_concurrency"] == 5);
    CHECK(metrics_json(r)["failure_threshold"] == 3);
    CHECK(metrics_json(r)["cooldown_s"] == 0.1);
    CHECK(metrics_json(r)["final_state"] == "closed");
    const Analysis a = analyze(r);
    // Open at the third timeout; the first call after the cooldown (a retry, at a jittered time)
    // probes, and the service, back since 0.3 s, answers it.
    CHECK(a.breaker_log ==
          Strings{"0.230 closed -> open", "0.331 open -> half-open", "0.381 half-open -> closed"});
    const Strings lines = lines_of(r);
    CHECK(std::count(lines.begin(), lines.end(),
                     "0.100 service the service goes down: requests now get no answer") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "0.300 service the service is back up") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "0.381 url-10 attempt 2: 200 OK in 50 ms") == 1);
    CHECK(std::count(lines.begin(), lines.end(),
                     "0.232 url-06 attempt 2: refused by the breaker at once, never sent") == 1);
    CHECK(std::count(
              lines.begin(), lines.end(),
              "0.180 url-05 attempt 1: no answer in 80 ms, timed out (the service is down)") == 1);
    check_invariants(r, {});
}

TEST_CASE("lesson 6 breaker: a probe while the service is still down opens it again") {
    // A 0.04 s timeout opens the breaker sooner (0.14 s); its first probe (0.25 s) finds the
    // service still down, the second (0.4 s) an answer slower than the timeout.
    const Knobs knobs{{"timeout", "0.04"}};
    auto r = run_demo(6, "breaker", knobs);
    CHECK(state_path(r) == "closed open half-open open half-open open");
    const Analysis a = analyze(r);
    CHECK(a.breaker_log == Strings{"0.140 closed -> open", "0.250 open -> half-open",
                                   "0.290 half-open -> open", "0.400 open -> half-open",
                                   "0.440 half-open -> open"});
    check_invariants(r, knobs);
    // A timeout longer than the outage's failures take to pile up: it never opens.
    const Knobs patient{{"timeout", "0.2"}};
    auto p = run_demo(6, "breaker", patient);
    CHECK(metrics_json(p)["state_changes"].empty());
    CHECK(metrics_json(p)["rejected"] == 0);
    check_invariants(p, patient);
}

TEST_CASE("lesson 6: for many seeds and knob settings every promise holds (property test)") {
    const std::vector<Knobs> settings{
        {},
        {{"fail-rate", "0.5"}, {"timeout", "0.04"}},
        {{"concurrency", "2"}, {"retries", "3"}, {"fail-rate", "0.4"}},
        {{"urls", "7"}, {"concurrency", "1"}, {"timeout", "0.03"}, {"retries", "1"}},
        {{"urls", "30"}, {"concurrency", "8"}, {"timeout", "0.05"}, {"fail-rate", "0.1"}},
    };
    std::set<std::string> retry_outcomes;
    for (const Knobs& knobs : settings) {
        for (std::uint64_t seed = 1; seed <= 50; ++seed) {
            CAPTURE(seed);
            CAPTURE(knobs.size());
            auto retry = run_demo(6, "retry", knobs, seed);
            check_invariants(retry, knobs);
            if (knobs.empty()) retry_outcomes.insert(metrics_json(retry)["attempts"].dump());
            auto breaker = run_demo(6, "breaker", knobs, seed);
            check_invariants(breaker, knobs);
            if (knobs.empty()) {
                // The breaker demo goes closed -> open -> half-open -> closed, whatever the seed.
                CHECK(state_path(breaker) == "closed open half-open closed");
                CHECK(metrics_json(breaker)["rejected"].get<int>() > 0);
            }
        }
    }
    CHECK(retry_outcomes.size() > 40);  // other seeds, other outcomes
}

TEST_CASE("lesson 6: the same seed replays the same run, to the event") {
    for (const char* demo : {"retry", "breaker"}) {
        CAPTURE(demo);
        CHECK(fingerprint(run_demo(6, demo)) == fingerprint(run_demo(6, demo)));
        CHECK(fingerprint(run_demo(6, demo, {}, 7)) == fingerprint(run_demo(6, demo, {}, 7)));
        CHECK(fingerprint(run_demo(6, demo, {}, 7)) != fingerprint(run_demo(6, demo)));
    }
}

TEST_CASE("lesson 6: edge knob values neither crash nor hang") {
    const std::vector<Knobs> edges{
        {{"urls", "1"}},
        {{"urls", "1"}, {"concurrency", "1"}, {"retries", "0"}},
        {{"timeout", "0.001"}},
        {{"timeout", "0.001"}, {"retries", "10"}, {"urls", "3"}},
        {{"fail-rate", "1"}, {"retries", "10"}, {"concurrency", "1"}, {"urls", "2"}},
        {{"urls", "1000"}, {"concurrency", "100"}},
        {{"urls", "100"}, {"concurrency", "1"}, {"fail-rate", "0.9"}},
        {{"timeout", "60"}, {"fail-rate", "1"}},
    };
    for (const Knobs& knobs : edges) {
        for (const char* demo : {"retry", "breaker"}) {
            CAPTURE(demo);
            CAPTURE(knobs.begin()->second);
            auto r = run_demo(6, demo, knobs);
            check_invariants(r, knobs);
        }
    }
    // Every attempt times out (answers take at least 10 ms): the breaker opens at once and
    // refuses nearly everything, probing each time its cooldown is over.
    auto r = run_demo(6, "breaker", {{"timeout", "0.001"}});
    CHECK(metrics_json(r)["ok"] == 0);
    CHECK(metrics_json(r)["final_state"] == "open");
}

namespace {

/// What a learner reads of a run: each URL's attempts and end, the printed lines in order, the
/// breaker's path and the figures — everything but how long the wall clock took.
std::string story(const lessons::DemoRun& run) {
    std::string text = metrics_json(run).dump() + "\n";
    for (const std::string& line : lines_of(run)) text += line + "\n";
    for (const UrlRun& url : analyze(run).urls) {
        text += fmt::format("{} {} {}\n", url.name, url.attempts.size(), url.end);
    }
    return text;
}

}  // namespace

TEST_CASE("lesson 6: --speed tells the virtual clock's story, at every speed, on the real clock") {
    // The real clock plays the virtual story at the wall's pace (LoopOptions::paced): real timers
    // at --speed 100 turned 20 of 20 URLs ok into 0 of 20, a 0.1 ms delay being 10 ms of the run.
    // Fast speeds keep this test short; 1 plays the demo in real time (a quarter of a second).
    const lessons::Lesson& lesson = *lessons::find_lesson(6);
    for (const char* demo : {"retry", "breaker"}) {
        const std::string expected = story(run_demo(6, demo));
        for (double speed : {1.0, 10.0, 100.0, 1000.0}) {
            CAPTURE(demo);
            CAPTURE(speed);
            lessons::RunOptions options;
            options.clock = ClockMode::Real;
            options.speed = speed;
            const lessons::DemoRun real = lessons::run_demo(
                lesson, *lesson.demo(demo), lessons::Knobs(lesson.knobs(), {}), options);
            CHECK(story(real) == expected);
        }
    }
}

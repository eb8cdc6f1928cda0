// Lesson 8 — cache: a cache in front of a slow service, and a crowd asking for the same key. A
// naive cache lets every request that misses fetch for itself (the thundering herd); a
// single-flight cache lets the first one fetch and the others await the same fetch; entries expire
// after a time to live; a failed fetch is not kept; and one impatient caller cancelled while it
// shares a fetch must not cancel it for the others (asyncio.shield).
//
// `asynclab run 8` runs the demos below in order, each as the main task of a fresh loop. Request
// i (a task named r<i>) asks for key k<i mod --keys>.

#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {
namespace {

/// In the demos where requests trickle in, one arrives this often.
constexpr Duration arrival_gap = std::chrono::milliseconds(30);

struct Counts {
    int fetches = 0;
    int failed_fetches = 0;
    int hits = 0;
    int shared = 0;  ///< requests that awaited a fetch another request started
    int expired = 0;
    int served = 0;
    int failed_requests = 0;
    int retries = 0;  ///< fetches of a key whose last fetch failed
};

/// A cache of the fake service's values. `single_flight`: a miss awaits the fetch already in
/// flight for its key, if there is one, instead of starting another. `flaky`: fetches fail with
/// probability --fail-rate (only the failure demo's do, so that the others show one thing each).
class Cache {
  public:
    Cache(const Demo& demo, bool single_flight, bool flaky = false)
        : fetch_time_(demo.seconds("fetch")),
          ttl_(demo.seconds("ttl")),
          fail_rate_(flaky ? demo.number("fail-rate") : 0.0),
          single_flight_(single_flight) {}

    /// The value of `key` for the request `who`: from the cache, a shared fetch or a new one.
    Task<std::string> get(std::string who, std::string key) {
        const Duration now = Loop::current().now();
        if (auto it = entries_.find(key); it != entries_.end()) {
            if (now < it->second.stored_at + ttl_) {
                ++counts.hits;
                print("{} {}: hit", who, key);
                co_return it->second.value;
            }
            ++counts.expired;
            entries_.erase(it);
            print("{} {}: expired", who, key);
        }
        if (!single_flight_) {
            fetched_by.push_back(who);
            print("{} {}: miss, fetching", who, key);
            co_return co_await fetch(key);  // in this request's own task
        }
        TaskHandle<std::string> flight;
        if (auto f = in_flight_.find(key); f != in_flight_.end()) {
            ++counts.shared;
            flight = f->second;
            print("{} {}: miss, joining the fetch in flight", who, key);
        } else {
            flight = spawn(fetch(key), "fetch " + key);
            in_flight_.emplace(key, flight);
            flights_.push_back(flight);
            fetched_by.push_back(who);
            print("{} {}: miss, fetching", who, key);
        }
        // shield: cancelling this request must not cancel the fetch the others await.
        co_return co_await shield(flight);
    }

    [[nodiscard]] bool stored(const std::string& key) const { return entries_.contains(key); }

    /// Waits for every fetch it started: a fetch whose callers all gave up still runs to its end
    /// (shield), and the cache must outlive it.
    Task<void> settle() {
        if (!flights_.empty()) co_await wait(flights_);
    }

    Counts counts;
    std::vector<std::string> fetched_by;  ///< the requests that started a fetch, in order

  private:
    struct Entry {
        std::string value;
        Duration stored_at;
    };

    /// The slow service. Whether it fails is drawn as the fetch starts, from the run's generator.
    /// Only a value is kept; whatever the outcome, the key is no longer in flight.
    Task<std::string> fetch(std::string key) {
        const int n = ++counts.fetches;
        if (failed_keys_.erase(key) > 0) ++counts.retries;
        const bool fails = Loop::current().random().chance(fail_rate_);
        try {
            co_await sleep(fetch_time_);
        } catch (const Cancelled&) {
            in_flight_.erase(key);
            throw;
        }
        in_flight_.erase(key);
        if (fails) {
            ++counts.failed_fetches;
            failed_keys_.insert(key);
            print("fetch {} failed", key);
            throw ConnectionError(fmt::format("fetch {} #{} failed", key, n));
        }
        std::string value = fmt::format("{}#{}", key, n);
        entries_[key] = Entry{value, Loop::current().now()};
        print("fetch {} stored {}", key, value);
        co_return value;
    }

    Duration fetch_time_;
    Duration ttl_;
    double fail_rate_;
    bool single_flight_;
    std::map<std::string, Entry> entries_;
    std::map<std::string, TaskHandle<std::string>> in_flight_;
    std::vector<TaskHandle<std::string>> flights_;
    std::set<std::string> failed_keys_;
};

/// One request: asks the cache and reports what it got, or its failure.
Task<void> request(Cache* cache, std::string who, std::string key) {
    try {
        const std::string value = co_await cache->get(who, key);
        ++cache->counts.served;
        print("{} {}: got {}", who, key, value);
    } catch (const Error& e) {
        ++cache->counts.failed_requests;
        print("{} {}: failed: {}", who, key, e.what());
    }
}

/// Starts every request, request i after `gap` × i, and waits for them all.
Task<std::vector<TaskHandle<void>>> crowd(Demo& demo, Cache* cache, Duration gap) {
    const int requests = demo.count("requests");
    const int keys = demo.count("keys");
    std::vector<TaskHandle<void>> tasks;
    for (int i = 0; i < requests; ++i) {
        if (i > 0 && gap > Duration{}) co_await sleep(gap);
        const std::string who = fmt::format("r{}", i);
        tasks.push_back(spawn(request(cache, who, fmt::format("k{}", i % keys)), who));
    }
    co_return tasks;
}

void report(Demo& demo, const Counts& c) {
    demo.metric("fetches", c.fetches);
    demo.metric("hits", c.hits);
    demo.metric("shared", c.shared);
    demo.metric("served", c.served);
    demo.metric("makespan_s", Loop::current().now());
}

/// Each request's final state, by name.
ValueRecord states_of(const std::vector<TaskHandle<void>>& tasks) {
    ValueRecord states;
    for (const auto& t : tasks) states.emplace_back(t.name(), to_string(t.status()));
    return states;
}

// Every request misses at once, and every one of them fetches.
Task<void> naive(Demo& demo) {
    Cache cache(demo, false);
    std::vector<TaskHandle<void>> tasks = co_await crowd(demo, &cache, Duration{});
    co_await wait(tasks);
    co_await cache.settle();
    report(demo, cache.counts);
    demo.metric("failed_requests", cache.counts.failed_requests);
}

// The same crowd through a single-flight cache: one fetch per key, everyone else awaits it.
Task<void> single_flight(Demo& demo) {
    Cache cache(demo, true);
    std::vector<TaskHandle<void>> tasks = co_await crowd(demo, &cache, Duration{});
    co_await wait(tasks);
    co_await cache.settle();
    report(demo, cache.counts);
    demo.metric("failed_requests", cache.counts.failed_requests);
}

// Requests trickle in; an entry older than --ttl is fetched again.
Task<void> ttl(Demo& demo) {
    Cache cache(demo, true);
    std::vector<TaskHandle<void>> tasks = co_await crowd(demo, &cache, arrival_gap);
    co_await wait(tasks);
    co_await cache.settle();
    report(demo, cache.counts);
    demo.metric("expired", cache.counts.expired);
    demo.metric("fetched_by", cache.fetched_by);
    demo.metric("failed_requests", cache.counts.failed_requests);
}

// Requests trickle in to a service that fails: a failure reaches everyone sharing that fetch and
// is not kept, so the next request fetches again.
Task<void> failure(Demo& demo) {
    Cache cache(demo, true, true);
    std::vector<TaskHandle<void>> tasks = co_await crowd(demo, &cache, arrival_gap);
    co_await wait(tasks);
    co_await cache.settle();
    report(demo, cache.counts);
    demo.metric("failed_fetches", cache.counts.failed_fetches);
    demo.metric("retries", cache.counts.retries);
    demo.metric("fetched_by", cache.fetched_by);
    demo.metric("failed_requests", cache.counts.failed_requests);
}

// The crowd shares the fetches; halfway through, r0 (which started the first fetch) is cancelled.
// Its fetch runs on for the others.
Task<void> cancel_one(Demo& demo) {
    Cache cache(demo, true);
    std::vector<TaskHandle<void>> tasks = co_await crowd(demo, &cache, Duration{});
    co_await sleep(demo.seconds("fetch") / 2);
    if (!tasks.front().done()) {
        print("cancelling r0");
        tasks.front().cancel();
    }
    co_await wait(tasks);
    co_await cache.settle();
    std::vector<std::string> cancelled;
    for (const auto& t : tasks) {
        if (t.cancelled()) cancelled.push_back(t.name());
    }
    report(demo, cache.counts);
    demo.metric("cancelled", cancelled);
    demo.metric("k0_stored", cache.stored("k0"));
    demo.metric("states", states_of(tasks));
    demo.metric("failed_requests", cache.counts.failed_requests);
}

}  // namespace

// The lesson: its number, and its demos in the order `run 8` runs them. Its knobs and its words
// are in lesson_data/08-cache.toml.
const Lesson& lesson_cache() {
    static const Lesson lesson{8,
                               "cache",
                               {{"naive", naive},
                                {"single-flight", single_flight},
                                {"ttl", ttl},
                                {"failure", failure},
                                {"cancel-one", cancel_one}}};
    return lesson;
}

}  // namespace asynclab::lessons

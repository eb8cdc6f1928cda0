// Lesson 3 (queue) shows what its text says it shows: a bounded queue holds the producer back,
// every item is handled exactly once, and the figures follow the knobs.
#include <algorithm>
#include <cmath>
#include <set>

#include "lesson_helpers.hpp"

using namespace asynclab;
using namespace asynclab::testing;
using Strings = std::vector<std::string>;
using nlohmann::json;

namespace {

/// Every item 0..items-1 handled exactly once, by some worker.
bool each_item_once(const lessons::DemoRun& r, int items) {
    std::multiset<int> seen;
    const auto metrics = metrics_json(r);
    for (const auto& [worker, handled] : metrics["handled_by"].items()) {
        for (const auto& item : handled) seen.insert(item.get<int>());
    }
    std::multiset<int> want;
    for (int i = 0; i < items; ++i) want.insert(i);
    return seen == want && metrics_json(r)["items_handled"] == items;
}

/// The wait details of one task's suspensions ("queue.put (full)", "sleep"...).
std::set<std::string> waits_of(const lessons::DemoRun& r, const std::string& task) {
    std::uint64_t id = 0;
    for (const auto& info : r.trace.tasks()) {
        if (info.name == task) id = info.id;
    }
    std::set<std::string> out;
    for (const auto& e : r.trace.events()) {
        if (e.task == id && e.type == EventType::Suspended) {
            out.insert(describe_wait(e.wait, e.name));
        }
    }
    return out;
}

}  // namespace

TEST_CASE("lesson 3: the defaults — 0.1 s, each item once, a blocked producer, depth 3") {
    auto r = run_demo(3, "backpressure");
    REQUIRE(!r.error);
    CHECK(r.duration == secs(0.1));
    CHECK(each_item_once(r, 10));
    CHECK(metrics_json(r)["handled_by"] ==
          json::parse(R"({"w0": [0, 2, 4, 6, 8], "w1": [1, 3, 5, 7, 9]})"));
    CHECK(metrics_json(r)["producer_blocked_s"] == 0.06);
    CHECK(metrics_json(r)["producer_blocked_s"].get<double>() > 0);
    CHECK(metrics_json(r)["max_queue_depth"] == 3);
    CHECK(metrics_json(r)["throughput_per_s"] == 100.0);
    CHECK(output_of(r) ==
          Strings{
              "producer: queue full, waiting to put 3",
              "producer: queue full, waiting to put 5",
              "w0 handled 0",
              "w1 handled 1",
              "producer: queue full, waiting to put 7",
              "w0 handled 2",
              "w1 handled 3",
              "producer: queue full, waiting to put 9",
              "w0 handled 4",
              "w1 handled 5",
              "producer: all 10 items queued; join() waits until they are all handled",
              "w0 handled 6",
              "w1 handled 7",
              "w0 handled 8",
              "w1 handled 9",
              "producer: every item handled; one sentinel per worker",
              "w0 got the sentinel and stops",
              "w1 got the sentinel and stops",
          });
    // The metric names the lesson text uses, in its order.
    Strings names;
    for (const auto& [name, value] : r.metrics) names.push_back(name);
    CHECK(names == Strings{"items_handled", "handled_by", "producer_blocked_s", "max_queue_depth",
                           "throughput_per_s"});
}

TEST_CASE("lesson 3: 4 workers, a queue of 1, 9 items — the issue's figures") {
    auto r = run_demo(3, "backpressure", {{"workers", "4"}, {"maxsize", "1"}, {"items", "9"}});
    CHECK(r.duration == secs(0.06));
    CHECK(each_item_once(r, 9));
    CHECK(metrics_json(r)["handled_by"] ==
          json::parse(R"({"w0": [0, 4, 8], "w1": [1, 5], "w2": [2, 6], "w3": [3, 7]})"));
    CHECK(metrics_json(r)["producer_blocked_s"] == 0.02);
    CHECK(metrics_json(r)["max_queue_depth"] == 1);
    CHECK(metrics_json(r)["throughput_per_s"] == 150.0);
}

TEST_CASE("lesson 3: the timeline tells waiting on the queue from working") {
    auto r = run_demo(3, "backpressure", {{"workers", "4"}, {"maxsize", "1"}, {"items", "9"}});
    CHECK(waits_of(r, "producer") == std::set<std::string>{"queue.put (full)", "queue.join"});
    CHECK(waits_of(r, "w1") == std::set<std::string>{"queue.get (empty)", "sleep"});
    std::set<WaitKind> kinds;
    for (const auto& e : r.trace.events()) {
        if (e.type == EventType::Suspended && e.task != 1) kinds.insert(e.wait);
    }
    CHECK(kinds == std::set<WaitKind>{WaitKind::QueueGet, WaitKind::QueuePut, WaitKind::QueueJoin,
                                      WaitKind::Sleep});
}

TEST_CASE("lesson 3: an unbounded queue never holds the producer back") {
    auto r = run_demo(3, "backpressure", {{"maxsize", "0"}});
    CHECK(r.duration == secs(0.1));
    CHECK(each_item_once(r, 10));
    CHECK(metrics_json(r)["producer_blocked_s"] == 0.0);
    CHECK(metrics_json(r)["max_queue_depth"] == 10);  // the whole backlog sits in memory
    CHECK(waits_of(r, "producer") == std::set<std::string>{"queue.join"});
}

TEST_CASE("lesson 3: the queue never holds more than maxsize, whatever the knobs") {
    for (int maxsize = 1; maxsize <= 4; ++maxsize) {
        for (int workers = 1; workers <= 5; ++workers) {
            const int items = 13;
            auto r = run_demo(3, "backpressure",
                              {{"workers", std::to_string(workers)},
                               {"maxsize", std::to_string(maxsize)},
                               {"items", std::to_string(items)}});
            CAPTURE(maxsize);
            CAPTURE(workers);
            CHECK(each_item_once(r, items));
            CHECK(metrics_json(r)["max_queue_depth"] == std::min(maxsize, items));
            CHECK(metrics_json(r)["producer_blocked_s"].get<double>() > 0);
        }
    }
}

TEST_CASE("lesson 3 predict: the demo lasts ceil(items / workers) x work") {
    // The question draws workers 1-4, items 4-12, work 0.01-0.05 and maxsize 1-3.
    for (int workers = 1; workers <= 4; ++workers) {
        for (int items = 4; items <= 12; ++items) {
            for (const char* work : {"0.01", "0.03", "0.05"}) {
                for (int maxsize = 1; maxsize <= 3; ++maxsize) {
                    auto r = run_demo(3, "backpressure",
                                      {{"workers", std::to_string(workers)},
                                       {"items", std::to_string(items)},
                                       {"work", work},
                                       {"maxsize", std::to_string(maxsize)}});
                    const int rounds = (items + workers - 1) / workers;
                    CAPTURE(workers);
                    CAPTURE(items);
                    CAPTURE(work);
                    CAPTURE(maxsize);
                    CHECK(r.duration == rounds * secs(std::stod(work)));
                    CHECK(each_item_once(r, items));
                }
            }
        }
    }
}

TEST_CASE("lesson 3: throughput grows with the workers while they are the bottleneck") {
    auto two = run_demo(3, "backpressure", {{"items", "20"}});
    auto four = run_demo(3, "backpressure", {{"items", "20"}, {"workers", "4"}});
    CHECK(metrics_json(two)["throughput_per_s"] == 100.0);
    CHECK(metrics_json(four)["throughput_per_s"] == 200.0);
}

TEST_CASE("lesson 3: edge knobs end cleanly") {
    auto none = run_demo(3, "backpressure", {{"items", "0"}});
    CHECK(!none.error);
    CHECK(none.duration == Duration::zero());
    CHECK(metrics_json(none)["items_handled"] == 0);
    CHECK(metrics_json(none)["max_queue_depth"] == 0);
    CHECK(metrics_json(none)["throughput_per_s"].is_null());
    CHECK(output_of(none) ==
          Strings{
              "producer: all 0 items queued; join() waits until they are all handled",
              "producer: every item handled; one sentinel per worker",
              "w0 got the sentinel and stops",
              "w1 got the sentinel and stops",
          });

    auto alone = run_demo(3, "backpressure", {{"workers", "1"}, {"maxsize", "1"}});
    CHECK(alone.duration == secs(0.2));
    CHECK(metrics_json(alone)["handled_by"] ==
          json::parse(R"({"w0": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]})"));

    auto instant = run_demo(3, "backpressure", {{"work", "0"}});  // workers only yield
    CHECK(!instant.error);
    CHECK(instant.duration == Duration::zero());
    CHECK(each_item_once(instant, 10));
    CHECK(metrics_json(instant)["throughput_per_s"].is_null());

    auto crowd =
        run_demo(3, "backpressure", {{"workers", "100"}, {"items", "3"}, {"maxsize", "0"}});
    CHECK(!crowd.error);
    CHECK(crowd.duration == secs(0.02));
    CHECK(each_item_once(crowd, 3));

    auto big =
        run_demo(3, "backpressure",
                 {{"workers", "100"}, {"items", "10000"}, {"maxsize", "10000"}, {"work", "60"}});
    CHECK(!big.error);
    CHECK(big.duration == secs(6000));
    CHECK(each_item_once(big, 10000));
}

TEST_CASE("lesson 3: the same seed gives the same run") {
    auto a = run_demo(3, "backpressure", {{"workers", "3"}, {"items", "17"}});
    auto b = run_demo(3, "backpressure", {{"workers", "3"}, {"items", "17"}});
    CHECK(metrics_json(a) == metrics_json(b));
    CHECK(output_of(a) == output_of(b));
    CHECK(a.trace.events().size() == b.trace.events().size());
}

// Lesson 5 (executor) shows what its text says it shows: blocking calls on the loop thread stall
// the ticker and run back to back; the same calls on a pool overlap, `pool` at a time, while the
// ticker keeps its beat; a semaphore in front of the pool bounds the jobs handed to it. All under
// the virtual clock, whose figures are exact.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lesson_helpers.hpp"

using namespace asynclab;
using namespace asynclab::testing;
using Strings = std::vector<std::string>;
using Knobs = std::map<std::string, std::string>;

namespace {

/// "0.050 j0 done ..." for each printed line, with its time and task.
Strings timed_output(const lessons::DemoRun& run) {
    Strings out;
    for (const auto& e : run.trace.events()) {
        if (e.type != EventType::Log || e.name != channel::output) continue;
        const TaskInfo* info = run.trace.task(e.task);
        out.push_back(
            fmt::format("{:.3f} {} {}", to_secs(e.t), info ? info->name : "loop", e.text));
    }
    return out;
}

/// "0.000 main semaphore.acquire" for each suspension of the named task.
Strings waits_of(const lessons::DemoRun& run, const std::string& name) {
    Strings out;
    for (const auto& e : run.trace.events()) {
        const TaskInfo* info = run.trace.task(e.task);
        if (e.type != EventType::Suspended || info == nullptr || info->name != name) continue;
        out.push_back(fmt::format("{:.3f} {}", to_secs(e.t), describe_wait(e.wait, e.name)));
    }
    return out;
}

/// How the named task ended: "0.250 cancelled".
std::string end_of(const lessons::DemoRun& run, const std::string& name) {
    for (const auto& e : run.trace.events()) {
        const TaskInfo* info = run.trace.task(e.task);
        if (info == nullptr || info->name != name) continue;
        if (e.type == EventType::Completed || e.type == EventType::Failed ||
            e.type == EventType::Cancelled) {
            return fmt::format("{:.3f} {}", to_secs(e.t), to_string(e.type));
        }
    }
    return "unfinished";
}

double metric(const lessons::DemoRun& run, const std::string& name) {
    REQUIRE(metrics_json(run).contains(name));
    return metrics_json(run)[name].get<double>();
}

/// The demo ended without an error, and the engine had nothing to complain about.
void check_clean(const lessons::DemoRun& run) {
    CHECK_FALSE(run.error.has_value());
    const auto& events = run.trace.events();
    CHECK(std::none_of(events.begin(), events.end(),
                       [](const TraceEvent& e) { return e.name == channel::engine; }));
}

}  // namespace

TEST_CASE("lesson 5 blocking-loop: the jobs run back to back and the ticker never gets a turn") {
    auto r = run_demo(5, "blocking-loop");
    check_clean(r);
    CHECK(r.duration == secs(0.25));
    CHECK(metrics_json(r)["makespan_s"] == 0.25);
    CHECK(metrics_json(r)["longest_tick_gap_s"] == 0.25);
    CHECK(metrics_json(r)["ticks"] == 0);
    CHECK(metrics_json(r)["ticks_missed"] == 25);
    CHECK(timed_output(r) ==
          Strings{"0.000 main 5 jobs of 0.05 s, each called right on the loop thread",
                  "0.050 j0 j0 done: it held the loop thread for 0.05 s",
                  "0.100 j1 j1 done: it held the loop thread for 0.05 s",
                  "0.150 j2 j2 done: it held the loop thread for 0.05 s",
                  "0.200 j3 j3 done: it held the loop thread for 0.05 s",
                  "0.250 j4 j4 done: it held the loop thread for 0.05 s",
                  "0.250 main all 5 jobs done at 0.250 s; stopping the ticker",
                  "0.250 ticker ticker: stopped after 0 ticks; longest gap 0.250 s (it wanted "
                  "0.010 s)"});
    // The ticker's timer was due at 0.01 s, but it could not run before the loop was free.
    CHECK(waits_of(r, "ticker") == Strings{"0.000 sleep"});
    CHECK(end_of(r, "ticker") == "0.250 cancelled");
    CHECK(waits_of(r, "j0").empty());  // a blocking call never suspends
    for (int i = 0; i < 5; ++i) {
        CHECK(end_of(r, fmt::format("j{}", i)) == fmt::format("{:.3f} completed", 0.05 * (i + 1)));
    }
}

TEST_CASE("lesson 5 blocking-loop: makespan is jobs x block, whatever the pool") {
    for (const auto& [jobs, block] : {std::pair{1, 0.05}, {3, 0.02}, {10, 0.1}, {7, 0.03}}) {
        CAPTURE(jobs);
        CAPTURE(block);
        auto r = run_demo(5, "blocking-loop",
                          Knobs{{"jobs", std::to_string(jobs)},
                                {"block", fmt::format("{}", block)},
                                {"pool", "8"}});
        check_clean(r);
        CHECK(metric(r, "makespan_s") == doctest::Approx(jobs * block).epsilon(1e-9));
        CHECK(metric(r, "longest_tick_gap_s") == doctest::Approx(jobs * block).epsilon(1e-9));
        CHECK(metrics_json(r)["ticks"] == 0);
    }
}

TEST_CASE("lesson 5 executor: four jobs at once, then the fifth; the ticker keeps its beat") {
    auto r = run_demo(5, "executor");
    check_clean(r);
    CHECK(r.duration == secs(0.1));
    CHECK(metrics_json(r)["makespan_s"] == 0.1);
    CHECK(metrics_json(r)["longest_tick_gap_s"] == 0.01);
    CHECK(metrics_json(r)["ticks"] == 10);
    CHECK(metrics_json(r)["ticks_missed"] == 0);
    CHECK(metrics_json(r)["max_in_flight"] == 5);
    CHECK(metrics_json(r)["max_waiting_for_thread"] == 1);
    CHECK(timed_output(r) ==
          Strings{"0.000 main 5 jobs of 0.05 s, handed to a pool of 4 threads all at once",
                  "0.050 j0 j0 done", "0.050 j1 j1 done", "0.050 j2 j2 done", "0.050 j3 j3 done",
                  "0.100 j4 j4 done", "0.100 main all 5 jobs done at 0.100 s; stopping the ticker",
                  "0.100 ticker ticker: stopped after 10 ticks; longest gap 0.010 s (it wanted "
                  "0.010 s)"});
    // Queued behind the first four, it runs once j0's thread is free.
    CHECK(waits_of(r, "j4") ==
          Strings{"0.000 pool (queued for a thread)", "0.050 pool (running on a pool thread)"});
    CHECK(end_of(r, "ticker") == "0.100 cancelled");
}

TEST_CASE("lesson 5 executor: --pool 1 runs the jobs one after another, off the loop") {
    auto r = run_demo(5, "executor", {{"pool", "1"}});
    check_clean(r);
    CHECK(r.duration == secs(0.25));
    CHECK(metrics_json(r)["makespan_s"] == 0.25);
    CHECK(metrics_json(r)["longest_tick_gap_s"] ==
          0.01);  // as slow as the loop, but the loop is free
    CHECK(metrics_json(r)["ticks"] == 25);
    CHECK(metrics_json(r)["max_waiting_for_thread"] == 4);
}

TEST_CASE("lesson 5 executor: makespan is ceil(jobs / pool) x block (the predict question)") {
    for (const auto& [jobs, pool, block] : {std::tuple{2, 1, 0.02},
                                            {12, 4, 0.1},
                                            {5, 4, 0.05},
                                            {7, 3, 0.04},
                                            {12, 1, 0.01},
                                            {3, 4, 0.07},
                                            {9, 2, 0.06}}) {
        CAPTURE(jobs);
        CAPTURE(pool);
        CAPTURE(block);
        auto r = run_demo(5, "executor",
                          Knobs{{"jobs", std::to_string(jobs)},
                                {"pool", std::to_string(pool)},
                                {"block", fmt::format("{}", block)}});
        check_clean(r);
        const double waves = std::ceil(static_cast<double>(jobs) / pool);
        CHECK(metric(r, "makespan_s") == doctest::Approx(waves * block).epsilon(1e-9));
        CHECK(metric(r, "longest_tick_gap_s") == doctest::Approx(0.01).epsilon(1e-9));
        CHECK(metrics_json(r)["max_in_flight"] == jobs);
        CHECK(metrics_json(r)["max_waiting_for_thread"] == std::max(0, jobs - pool));
    }
}

TEST_CASE("lesson 5 bounded-executor: the producer waits for a permit; the pool never queues") {
    auto r = run_demo(5, "bounded-executor");
    check_clean(r);
    CHECK(r.duration == secs(0.1));
    CHECK(metrics_json(r)["limit"] == 4);
    CHECK(metrics_json(r)["makespan_s"] == 0.1);  // no worse than the unbounded executor
    CHECK(metrics_json(r)["max_in_flight"] == 4);
    CHECK(metrics_json(r)["max_waiting_for_thread"] == 0);
    CHECK(metrics_json(r)["producer_waited_s"] == 0.05);
    CHECK(metrics_json(r)["longest_tick_gap_s"] == 0.01);
    CHECK(metrics_json(r)["ticks"] == 10);
    CHECK(timed_output(r) ==
          Strings{"0.000 main 5 jobs of 0.05 s, a pool of 4 threads, at most 4 jobs handed to it "
                  "at once",
                  "0.050 j0 j0 done", "0.050 j1 j1 done", "0.050 j2 j2 done", "0.050 j3 j3 done",
                  "0.050 main producer: waited 0.050 s for a permit for j4", "0.100 j4 j4 done",
                  "0.100 main all 5 jobs done at 0.100 s; stopping the ticker",
                  "0.100 ticker ticker: stopped after 10 ticks; longest gap 0.010 s (it wanted "
                  "0.010 s)"});
    // The wait moved out of the pool's hidden queue into the producer, as a semaphore wait.
    CHECK(waits_of(r, "main") == Strings{"0.000 semaphore.acquire", "0.050 gather", "0.100 wait"});
    CHECK(waits_of(r, "j4") ==
          Strings{"0.050 pool (queued for a thread)", "0.050 pool (running on a pool thread)"});
}

TEST_CASE("lesson 5 bounded-executor: in flight never passes the limit, at any size") {
    for (const auto& [jobs, pool] : {std::pair{100, 4}, {12, 5}, {3, 8}, {20, 1}}) {
        CAPTURE(jobs);
        CAPTURE(pool);
        const Knobs knobs{{"jobs", std::to_string(jobs)}, {"pool", std::to_string(pool)}};
        auto bounded = run_demo(5, "bounded-executor", knobs);
        auto unbounded = run_demo(5, "executor", knobs);
        check_clean(bounded);
        CHECK(metrics_json(bounded)["max_in_flight"] == std::min(jobs, pool));
        CHECK(metrics_json(bounded)["max_waiting_for_thread"] == 0);
        CHECK(metrics_json(unbounded)["max_in_flight"] == jobs);
        CHECK(metrics_json(bounded)["makespan_s"] == metrics_json(unbounded)["makespan_s"]);
        CHECK(metrics_json(bounded)["longest_tick_gap_s"] == 0.01);
    }
}

TEST_CASE("lesson 5: edge knobs end cleanly") {
    SUBCASE("one job") {
        CHECK(metrics_json(run_demo(5, "blocking-loop", {{"jobs", "1"}}))["makespan_s"] == 0.05);
        CHECK(metrics_json(run_demo(5, "executor", {{"jobs", "1"}}))["makespan_s"] == 0.05);
        auto b = run_demo(5, "bounded-executor", {{"jobs", "1"}});
        CHECK(metrics_json(b)["makespan_s"] == 0.05);
        CHECK(metrics_json(b)["producer_waited_s"] == 0.0);
        CHECK(metrics_json(b)["ticks"] == 5);
    }
    SUBCASE("jobs that do not block") {
        for (const char* demo : {"blocking-loop", "executor", "bounded-executor"}) {
            CAPTURE(demo);
            auto r = run_demo(5, demo, {{"block", "0"}});
            check_clean(r);
            CHECK(r.duration == Duration::zero());
            CHECK(metrics_json(r)["makespan_s"] == 0.0);
            CHECK(metrics_json(r)["longest_tick_gap_s"] == 0.0);
            CHECK(metrics_json(r)["ticks"] == 0);
            CHECK(metrics_json(r)["ticks_missed"] == 0);
        }
    }
    SUBCASE("a tick longer than the whole run: no tick is due, none is missed") {
        auto blocking = run_demo(5, "blocking-loop", {{"tick", "10"}});
        check_clean(blocking);
        CHECK(metrics_json(blocking)["ticks"] == 0);
        CHECK(metrics_json(blocking)["ticks_missed"] == 0);
        CHECK(metrics_json(blocking)["longest_tick_gap_s"] == 0.25);
        auto pooled = run_demo(5, "executor", {{"tick", "10"}});
        check_clean(pooled);
        CHECK(pooled.duration == secs(0.1));  // the demo ends with the jobs, not the ticker
        CHECK(metrics_json(pooled)["ticks"] == 0);
        CHECK(metrics_json(pooled)["ticks_missed"] == 0);
    }
    SUBCASE("a pool of one, and a pool larger than the jobs") {
        auto one = run_demo(5, "bounded-executor", {{"pool", "1"}});
        CHECK(metrics_json(one)["makespan_s"] == 0.25);
        CHECK(metrics_json(one)["max_in_flight"] == 1);
        CHECK(metrics_json(one)["producer_waited_s"] == 0.2);
        auto wide = run_demo(5, "executor", {{"pool", "128"}, {"jobs", "1000"}});
        check_clean(wide);
        CHECK(metrics_json(wide)["makespan_s"] == 0.4);  // 8 waves of 128
    }
    SUBCASE("the finest tick") {
        auto r = run_demo(5, "blocking-loop", {{"tick", "0.001"}});
        CHECK(metrics_json(r)["ticks_missed"] == 250);
        CHECK(metrics_json(run_demo(5, "executor", {{"tick", "0.001"}}))["ticks"] == 100);
    }
}

TEST_CASE("lesson 5: the same seed gives the same run") {
    for (const char* demo : {"blocking-loop", "executor", "bounded-executor"}) {
        CAPTURE(demo);
        auto a = run_demo(5, demo, {{"jobs", "9"}, {"pool", "3"}}, 7);
        auto b = run_demo(5, demo, {{"jobs", "9"}, {"pool", "3"}}, 7);
        CHECK(timed_output(a) == timed_output(b));
        CHECK(metrics_json(a) == metrics_json(b));
        CHECK(a.trace.events().size() == b.trace.events().size());
    }
}

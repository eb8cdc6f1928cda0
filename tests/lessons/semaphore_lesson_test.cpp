// Lesson 4 (semaphore) shows what its text says it shows: a semaphore lets tasks through in waves
// of --limit, an await between read and write loses updates that a lock saves, and one set()
// releases every waiter at once.
#include <map>
#include <set>
#include <utility>

#include "lesson_helpers.hpp"

using namespace asynclab;
using namespace asynclab::testing;
using Strings = std::vector<std::string>;

namespace {

/// When each task printed a line containing `needle`: task name -> times.
std::map<std::string, std::vector<Duration>> times_of(const lessons::DemoRun& r,
                                                      const std::string& needle) {
    std::map<std::string, std::vector<Duration>> out;
    for (const auto& e : r.trace.events()) {
        if (e.type != EventType::Log || e.name != channel::output) continue;
        if (e.text.find(needle) == std::string_view::npos) continue;
        out[r.trace.task(e.task)->name].push_back(e.t);
    }
    return out;
}

/// The kinds of wait recorded for the tasks whose names start with `prefix`.
std::set<WaitKind> wait_kinds(const lessons::DemoRun& r, const std::string& prefix) {
    std::set<WaitKind> out;
    for (const auto& e : r.trace.events()) {
        if (e.type != EventType::Suspended) continue;
        if (r.trace.task(e.task)->name.starts_with(prefix)) out.insert(e.wait);
    }
    return out;
}

}  // namespace

TEST_CASE("lesson 4 limit: the defaults go through in waves of 3, 3, 3 and 1 — 4.0 s") {
    auto r = run_demo(4, "limit");
    REQUIRE(!r.error);
    CHECK(r.duration == secs(4.0));
    CHECK(metrics_json(r)["max_concurrency"] == 3);
    CHECK(metrics_json(r)["makespan_s"] == 4.0);
    const auto acquired = times_of(r, "got a permit");
    REQUIRE(acquired.size() == 10);
    for (int i = 0; i < 10; ++i) {
        CAPTURE(i);
        CHECK(acquired.at("t" + std::to_string(i)) == std::vector<Duration>{secs(i / 3)});
    }
    const Strings out = output_of(r);
    CHECK(Strings(out.begin(), out.begin() + 7) ==
          Strings{"t0 got a permit (1 running)", "t1 got a permit (2 running)",
                  "t2 got a permit (3 running)", "t0 done, releasing its permit",
                  "t1 done, releasing its permit", "t2 done, releasing its permit",
                  "t3 got a permit (1 running)"});
    CHECK(wait_kinds(r, "t") == std::set<WaitKind>{WaitKind::Semaphore, WaitKind::Sleep});
}

TEST_CASE("lesson 4 limit predict: makespan is ceil(tasks / limit) x work") {
    // The question draws tasks 2-12, limit 1-4 and work 0.1-1.0.
    for (int tasks = 2; tasks <= 12; ++tasks) {
        for (int limit = 1; limit <= 4; ++limit) {
            for (const char* work : {"0.1", "0.3", "1.0"}) {
                auto r = run_demo(4, "limit",
                                  {{"tasks", std::to_string(tasks)},
                                   {"limit", std::to_string(limit)},
                                   {"work", work}});
                CAPTURE(tasks);
                CAPTURE(limit);
                CAPTURE(work);
                const int waves = (tasks + limit - 1) / limit;
                CHECK(r.duration == waves * secs(std::stod(work)));
                CHECK(metrics_json(r)["makespan_s"] == to_secs(waves * secs(std::stod(work))));
                CHECK(metrics_json(r)["max_concurrency"] == std::min(tasks, limit));
            }
        }
    }
}

TEST_CASE("lesson 4 limit: edge knobs") {
    auto roomy = run_demo(4, "limit", {{"tasks", "2"}, {"limit", "5"}});
    CHECK(metrics_json(roomy)["max_concurrency"] == 2);
    CHECK(roomy.duration == secs(1.0));
    auto instant = run_demo(4, "limit", {{"work", "0"}});
    CHECK(!instant.error);
    CHECK(instant.duration == Duration::zero());
    CHECK(metrics_json(instant)["max_concurrency"] == 3);
    auto one = run_demo(4, "limit", {{"tasks", "1"}, {"limit", "1"}});
    CHECK(metrics_json(one)["max_concurrency"] == 1);
    auto many = run_demo(4, "limit", {{"tasks", "1000"}, {"limit", "7"}, {"work", "0.5"}});
    CHECK(metrics_json(many)["max_concurrency"] == 7);
    CHECK(many.duration == secs(143 * 0.5));
}

TEST_CASE("lesson 4 lock: 9 lost updates without the lock, none with it") {
    auto r = run_demo(4, "lock");
    REQUIRE(!r.error);
    CHECK(metrics_json(r)["expected"] == 10);
    CHECK(metrics_json(r)["without_lock"] == 1);
    CHECK(metrics_json(r)["with_lock"] == 10);
    CHECK(metrics_json(r)["lost_updates"] == 9);
    CHECK(metrics_json(r)["time_without_lock_s"] == 0.1);
    CHECK(metrics_json(r)["time_with_lock_s"] == 1.0);
    CHECK(r.duration == secs(1.1));

    // Without the lock every task reads 0 before any writes; with it, each reads the last write.
    const Strings out = output_of(r);
    for (int i = 0; i < 10; ++i) {
        CHECK(out[static_cast<std::size_t>(i)] == "racy" + std::to_string(i) + " read 0");
        CHECK(out[static_cast<std::size_t>(10 + i)] == "racy" + std::to_string(i) + " wrote 1");
    }
    CHECK(out[20] == "without a lock: counter = 1, expected 10");
    CHECK(out[21] == "safe0 read 0");
    CHECK(out[22] == "safe0 wrote 1");
    CHECK(out[23] == "safe1 read 1");
    CHECK(out.back() == "with a lock: counter = 10, expected 10");
    CHECK(wait_kinds(r, "safe") == std::set<WaitKind>{WaitKind::Lock, WaitKind::Sleep});
    CHECK(wait_kinds(r, "racy") == std::set<WaitKind>{WaitKind::Sleep});
}

TEST_CASE("lesson 4 lock predict: tasks - 1 updates are lost") {
    for (int tasks = 1; tasks <= 20; ++tasks) {
        auto r = run_demo(4, "lock", {{"tasks", std::to_string(tasks)}});
        CAPTURE(tasks);
        CHECK(metrics_json(r)["lost_updates"] == tasks - 1);
        CHECK(metrics_json(r)["with_lock"] == tasks);
    }
    CHECK(!run_demo(4, "lock", {{"tasks", "1000"}}).error);
}

TEST_CASE("lesson 4 event: one set() releases every waiter at that instant") {
    auto r = run_demo(4, "event");
    REQUIRE(!r.error);
    CHECK(metrics_json(r)["waiters"] == 10);
    CHECK(metrics_json(r)["set_at_s"] == 1.0);
    CHECK(metrics_json(r)["released_at_s"] == 1.0);
    CHECK(metrics_json(r)["late_wait_s"] == 0.0);
    CHECK(r.duration == secs(2.0));
    const auto released = times_of(r, " released");
    REQUIRE(released.size() == 10);
    for (const auto& [task, times] : released) {
        CAPTURE(task);
        CHECK(times == std::vector<Duration>{secs(1.0)});
    }
    const Strings out = output_of(r);
    CHECK(out.front() == "main: set()");
    CHECK(out[1] == "w0 released");
    CHECK(out[10] == "w9 released");
    CHECK(out.back() == "late: wait() returned after 0 s, the event is still set");
    CHECK(wait_kinds(r, "w") == std::set<WaitKind>{WaitKind::Event, WaitKind::Sleep});
    CHECK(wait_kinds(r, "late").empty());  // wait() on a set event does not suspend
}

TEST_CASE("lesson 4 event: other knobs") {
    auto quick = run_demo(4, "event", {{"tasks", "1"}, {"work", "0"}});
    CHECK(!quick.error);
    CHECK(metrics_json(quick)["set_at_s"] == 0.0);
    CHECK(metrics_json(quick)["released_at_s"] == 0.0);
    auto five = run_demo(4, "event", {{"tasks", "5"}, {"work", "0.25"}});
    CHECK(metrics_json(five)["set_at_s"] == 0.25);
    CHECK(metrics_json(five)["released_at_s"] == 0.25);
    CHECK(five.duration == secs(0.5));
}

// Lesson 1 (tasks) and lesson 2 (timeouts) show what their texts say they show.
#include "lesson_helpers.hpp"

using namespace asynclab;
using namespace asynclab::testing;
using Strings = std::vector<std::string>;

TEST_CASE("lesson 1: a coroutine runs only when awaited; a task without being awaited") {
    auto r = run_demo(1, "coroutine-vs-task");
    CHECK(metrics_json(r)["coroutine_ran_before_await"] == false);
    CHECK(metrics_json(r)["task_ran_without_await"] == true);
    CHECK(output_of(r) == Strings{"made a coroutine and spawned a task; neither has run yet",
                                  "the spawned task is running",
                                  "after one loop turn: coroutine ran = False, task ran = True",
                                  "the awaited coroutine is running"});
}

TEST_CASE("lesson 1: sequential awaits add up, concurrent ones overlap, results in order") {
    auto seq = run_demo(1, "sequential");
    CHECK(seq.duration == secs(3.0));
    CHECK(metrics_json(seq)["makespan_s"] == 3.0);
    auto con = run_demo(1, "concurrent");
    CHECK(con.duration == secs(1.5));
    CHECK(metrics_json(con)["results"] == nlohmann::json({"A", "B", "C"}));
    CHECK(metrics_json(con)["finish_order"] == nlohmann::json({"C", "A", "B"}));

    CHECK(run_demo(1, "sequential", {{"delays", "0.2,0.1"}}).duration == secs(0.3));
    CHECK(run_demo(1, "concurrent", {{"delays", "0.2,0.1"}}).duration == secs(0.2));
}

TEST_CASE("lesson 1: lifecycle ends one task each way; first-completed cancels the rest") {
    auto life = run_demo(1, "lifecycle");
    CHECK(metrics_json(life)["states"] ==
          nlohmann::ordered_json({{"ok", "completed"}, {"boom", "failed"}, {"slow", "cancelled"}}));
    for (const auto& e : life.trace.events()) CHECK(e.name != channel::engine);  // all retrieved
    auto first = run_demo(1, "first-completed");
    CHECK(metrics_json(first)["winner"] == "C");
    CHECK(metrics_json(first)["first_done_s"] == 0.5);
    CHECK(metrics_json(first)["cancelled"] == nlohmann::json({"A", "B"}));
    CHECK(first.duration == secs(0.5));
}

TEST_CASE("lesson 2: wait_for cancels the slow job, which cleans up before the caller's timeout") {
    auto r = run_demo(2, "wait-for");
    CHECK(r.duration == secs(0.05));
    CHECK(metrics_json(r)["timed_out"] == true);
    CHECK(metrics_json(r)["job_state"] == "cancelled");
    CHECK(output_of(r) == Strings{"job: working for 10 s",
                                  "job: cancelled — closing the connection",
                                  "caller: TimeoutError; the job has already cleaned up: True"});
    auto quick = run_demo(2, "wait-for", {{"work", "0.01"}});
    CHECK(quick.duration == secs(0.01));
    CHECK(metrics_json(quick)["timed_out"] == false);
    CHECK(metrics_json(quick)["job_state"] == "completed");
}

TEST_CASE("lesson 2: a timeout scope, an explicit cancel and a swallowed one") {
    auto scope = run_demo(2, "timeout-scope");
    CHECK(metrics_json(scope)["steps_done"] == 2);
    CHECK(metrics_json(scope)["finished_s"] == 0.05);
    CHECK(metrics_json(run_demo(2, "timeout-scope", {{"timeout", "0.06"}}))["steps_done"] ==
          2);  // tie: timeout wins
    CHECK(metrics_json(run_demo(2, "timeout-scope", {{"timeout", "0.07"}}))["steps_done"] == 3);
    auto cancel = run_demo(2, "cancel");
    CHECK(metrics_json(cancel)["state"] == "cancelled");
    CHECK(metrics_json(cancel)["cleanup_ran"] == true);
    auto swallowed = run_demo(2, "swallowed-cancel");
    CHECK(metrics_json(swallowed)["state"] == "completed");
    CHECK(metrics_json(swallowed)["finished_s"] == 0.1);
}

TEST_CASE("lesson 1 first-completed: one fetch, or all finishing together, leaves none to cancel") {
    for (const char* delays : {"0.5", "0.5,0.5,0.5", "0"}) {
        CAPTURE(delays);
        const auto r = run_demo(1, "first-completed", {{"delays", delays}});
        CHECK_FALSE(r.error.has_value());
        CHECK(metrics_json(r)["cancelled"] == nlohmann::json::array());
    }
}

// Lesson 7 (structure): what each way of waiting does to the siblings of a failing child, at exact
// virtual times, and the unretrieved failure the engine reports.
#include "lesson_helpers.hpp"

using namespace asynclab;
using namespace asynclab::testing;
using Json = nlohmann::ordered_json;
using Strings = std::vector<std::string>;

namespace {

/// The engine's complaints in a run, "Task exception was never retrieved: ...".
Strings engine_lines(const lessons::DemoRun& run) {
    Strings out;
    for (const auto& e : run.trace.events()) {
        if (e.type == EventType::Log && e.name == channel::engine) out.emplace_back(e.text);
    }
    return out;
}

}  // namespace

TEST_CASE("lesson 7 gather-fails: the caller hears at once, the siblings run on to their end") {
    const auto r = run_demo(7, "gather-fails");
    CHECK(r.duration == secs(0.3));
    const Json m = metrics_json(r);
    CHECK(m["heard_s"] == 0.1);
    CHECK(m["error"] == "ConnectionError: B lost its connection");
    CHECK(m["running_when_heard"] == Json({"A", "C"}));
    CHECK(m["end_order"] == Json({"B", "C", "A"}));
    CHECK(m["states"] == Json({{"A", "completed"}, {"B", "failed"}, {"C", "completed"}}));
    CHECK(output_of(r) ==
          Strings{"B fails",
                  "caller: heard ConnectionError: B lost its connection; still running: A, C",
                  "C done", "A done"});
    CHECK(engine_lines(r).empty());
}

TEST_CASE("lesson 7 taskgroup-fails: siblings cancelled and cleaned up before the caller hears") {
    const auto r = run_demo(7, "taskgroup-fails");
    CHECK(r.duration == secs(0.1));
    const Json m = metrics_json(r);
    CHECK(m["heard_s"] == 0.1);
    CHECK(m["running_when_heard"] == Json::array());
    CHECK(m["end_order"] == Json({"B", "A", "C"}));
    CHECK(m["cancelled"] == Json({"A", "C"}));
    CHECK(m["states"] == Json({{"A", "cancelled"}, {"B", "failed"}, {"C", "cancelled"}}));
    CHECK(output_of(r) ==
          Strings{"B fails", "A cancelled: cleaning up", "C cancelled: cleaning up",
                  "caller: heard ConnectionError: B lost its connection; still running: none"});
    // A child that finished before the failure stays completed.
    const Json late = metrics_json(run_demo(7, "taskgroup-fails", {{"fail-at", "0.25"}}));
    CHECK(late["states"] == Json({{"A", "cancelled"}, {"B", "failed"}, {"C", "completed"}}));
    CHECK(late["end_order"] == Json({"C", "B", "A"}));
}

TEST_CASE("lesson 7 return-exceptions and first-exception") {
    const auto r = run_demo(7, "return-exceptions");
    CHECK(metrics_json(r)["outcomes"] == Json({"A", "ConnectionError", "C"}));
    CHECK(metrics_json(r)["heard_s"] == 0.3);
    const auto w = run_demo(7, "first-exception");
    const Json m = metrics_json(w);
    CHECK(m["returned_s"] == 0.1);
    CHECK(m["done"] == Json({"B"}));
    CHECK(m["pending"] == Json({"A", "C"}));
    CHECK(m["states"] == Json({{"A", "cancelled"}, {"B", "failed"}, {"C", "cancelled"}}));
    CHECK(engine_lines(w).empty());
    // A failure after every other child ended: wait returns with all of them done.
    const Json last = metrics_json(run_demo(7, "first-exception", {{"fail-at", "1"}}));
    CHECK(last["returned_s"] == 1.0);
    CHECK(last["pending"] == Json::array());
}

TEST_CASE("lesson 7 exception-group: both failures in the group, each handled by kind") {
    const auto r = run_demo(7, "exception-group");
    const Json m = metrics_json(r);
    CHECK(m["failures"] == 2);
    CHECK(m["errors"] ==
          Json({"ConnectionError: B lost its connection", "ValueError: C got a bad reply"}));
    CHECK(m["states"] == Json({{"A", "cancelled"}, {"B", "failed"}, {"C", "failed"}}));
    CHECK(output_of(r) == Strings{"B fails", "C fails", "A cancelled: cleaning up",
                                  "caller: except* ConnectionError: B lost its connection",
                                  "caller: except* ValueError: C got a bad reply"});
    // --fail past the last child means the last; with one child only one can fail.
    const Json one =
        metrics_json(run_demo(7, "exception-group", {{"delays", "0.3"}, {"fail", "5"}}));
    CHECK(one["failures"] == 1);
    CHECK(one["states"] == Json({{"A", "failed"}}));
}

TEST_CASE("lesson 7 lost-task: the forgotten failure is reported, the kept one is heard") {
    const auto r = run_demo(7, "lost-task");
    const Json m = metrics_json(r);
    CHECK(m["unretrieved_reports"] == 1);
    CHECK(m["kept_error"] == "ConnectionError: kept could not reach the server");
    CHECK(engine_lines(r) ==
          Strings{"Task exception was never retrieved: task forgotten failed with "
                  "ConnectionError: forgotten could not reach the server"});
    CHECK(r.duration == secs(0.1));
}

// The Chrome trace: valid trace-event JSON with a process per demo and a thread per task, complete
// events that never overlap on a thread, instants for log lines and end states, exact times.
#include <nlohmann/json.hpp>

#include <map>
#include <memory>

#include "demo_programs.hpp"
#include "run/chrome_trace.hpp"

using namespace asynclab;
using namespace asynclab::testing;
using namespace asynclab::testing::demos;
using namespace asynclab::cli;
using nlohmann::json;

namespace {

/// Demos run and kept alive for as long as the trace built from them is looked at.
struct Run {
    std::vector<std::unique_ptr<Harness>> harnesses;
    std::vector<TraceSection> sections;

    Run& add(std::string title, Demo demo) {
        auto& h = *harnesses.emplace_back(
            std::make_unique<Harness>(ClockMode::Virtual, LoopOptions{.pool_size = 2}));
        demo(h);
        sections.push_back({std::move(title), &h.trace, h.loop.now()});
        return *this;
    }
    [[nodiscard]] json trace() const { return chrome_trace(sections); }
};

/// A field that not every kind of event has ("cat"), null when absent: a const json's [] must
/// not be asked for a missing key.
json field(const json& e, const char* key) {
    return e.contains(key) ? e.at(key) : json();
}

std::vector<json> events_where(const json& trace, const std::function<bool(const json&)>& keep) {
    std::vector<json> out;
    for (const json& e : trace["traceEvents"]) {
        if (keep(e)) out.push_back(e);
    }
    return out;
}

/// The one event of `ph` on (pid, tid) named `name`.
json only(const json& trace, std::string_view ph, int pid, std::uint64_t tid,
          std::string_view name) {
    const auto found = events_where(trace, [&](const json& e) {
        return e["ph"] == ph && e["pid"] == pid && e["tid"] == tid && e["name"] == name;
    });
    REQUIRE(found.size() == 1);
    return found.front();
}

std::uint64_t tid_of(const Harness& h, std::string_view name) {
    for (const TaskInfo& t : h.trace.tasks()) {
        if (t.name == name) return t.id;
    }
    FAIL("no task " << name);
    return 0;
}

}  // namespace

TEST_CASE("valid trace-event JSON: every event has what Perfetto needs, times never negative") {
    Run run;
    for (const auto& [name, demo] : all_demos) run.add(name, demo);
    const json trace = run.trace();
    CHECK(trace["displayTimeUnit"] == "ms");
    REQUIRE(trace["traceEvents"].is_array());
    CHECK(json::parse(trace.dump()) == trace);
    std::map<std::string, int> phases;
    for (const json& e : trace["traceEvents"]) {
        CAPTURE(e.dump());
        REQUIRE(e["name"].is_string());
        REQUIRE(e["ph"].is_string());
        CHECK(e["pid"].is_number_integer());
        CHECK(e["tid"].is_number_integer());
        const std::string ph = e["ph"];
        ++phases[ph];
        if (ph == "M") {
            CHECK(e["args"].is_object());
        } else {
            REQUIRE(e["ts"].is_number());
            CHECK(e["ts"].get<double>() >= 0);
        }
        if (ph == "X") {
            REQUIRE(e["dur"].is_number());
            CHECK(e["dur"].get<double>() >= 0);
            CHECK(e["cat"].is_string());
        }
        if (ph == "i") CHECK(e["s"] == "t");
        CHECK((ph == "M" || ph == "X" || ph == "i" || ph == "C"));
    }
    CHECK(phases["X"] > 0);
    CHECK(phases["i"] > 0);
    CHECK(phases["C"] > 0);
    CHECK(chrome_trace({}) == json{{"traceEvents", json::array()}, {"displayTimeUnit", "ms"}});
}

TEST_CASE("a process per demo and a thread per task, named and in order") {
    Run run;
    run.add("backpressure", queue_demo).add("lifecycle — how tasks end", lifecycle_demo);
    const json trace = run.trace();
    CHECK(only(trace, "M", 1, 0, "process_name")["args"]["name"] == "backpressure");
    CHECK(only(trace, "M", 2, 0, "process_name")["args"]["name"] == "lifecycle — how tasks end");
    CHECK(only(trace, "M", 2, 0, "process_sort_index")["args"]["sort_index"] == 2);
    for (int pid : {1, 2}) {
        const Harness& h = *run.harnesses[static_cast<std::size_t>(pid - 1)];
        int order = 0;
        for (const TaskInfo& task : h.trace.tasks()) {
            CAPTURE(task.name);
            CHECK(only(trace, "M", pid, task.id, "thread_name")["args"]["name"] == task.name);
            CHECK(only(trace, "M", pid, task.id, "thread_sort_index")["args"]["sort_index"] ==
                  ++order);
        }
        const auto threads = events_where(
            trace, [&](const json& e) { return e["pid"] == pid && e["name"] == "thread_name"; });
        CHECK(threads.size() == h.trace.tasks().size());  // the loop (tid 0) only logs nothing
    }
}

TEST_CASE("complete events on a thread never overlap: back to back from creation to end") {
    Run run;
    for (const auto& [name, demo] : all_demos) run.add(name, demo);
    const json trace = run.trace();
    std::map<std::pair<int, std::uint64_t>, std::vector<json>> per_thread;
    for (const json& e : trace["traceEvents"]) {
        if (e["ph"] == "X") per_thread[{e["pid"], e["tid"]}].push_back(e);
    }
    CHECK(per_thread.size() > 40);
    for (auto& [thread, slices] : per_thread) {
        CAPTURE(thread.first);
        CAPTURE(thread.second);
        std::stable_sort(slices.begin(), slices.end(), [](const json& a, const json& b) {
            return a["ts"].get<double>() < b["ts"].get<double>();
        });
        for (std::size_t i = 1; i < slices.size(); ++i) {
            const double end =
                slices[i - 1]["ts"].get<double>() + slices[i - 1]["dur"].get<double>();
            CHECK(slices[i]["ts"].get<double>() == end);
        }
    }
}

TEST_CASE("segments are named by what they were: running, sleep, the primitive's wait") {
    Run run;
    run.add("backpressure", queue_demo);
    const json trace = run.trace();
    const Harness& h = *run.harnesses[0];
    const auto slices_of = [&](std::string_view task) {
        return events_where(
            trace, [&](const json& e) { return e["ph"] == "X" && e["tid"] == tid_of(h, task); });
    };
    const auto w0 = slices_of("w0");
    REQUIRE(w0.size() >= 3);
    CHECK(w0[0]["name"] == "running");
    CHECK(w0[0]["ts"] == 0.0);
    CHECK(w0[0]["dur"] == 0.0);
    CHECK(w0[1]["name"] == "queue.get (empty)");
    CHECK(w0[1]["cat"] == "queue.get");
    CHECK(w0[1]["dur"] == 10'000.0);  // microseconds: the first item comes at 0.01 s
    CHECK(w0[2]["name"] == "running");
    CHECK(w0[3]["name"] == "sleep");
    CHECK(w0[3]["cat"] == "sleep");
    CHECK(w0[3]["ts"] == 10'000.0);
    CHECK(w0[3]["dur"] == 30'000.0);
    const auto producer = slices_of("producer");
    CHECK(std::any_of(producer.begin(), producer.end(), [](const json& e) {
        return e["name"] == "queue.put (full)" && e["dur"].get<double>() > 0;
    }));
    CHECK(std::any_of(producer.begin(), producer.end(),
                      [](const json& e) { return e["name"] == "queue.join"; }));
    const auto main_slices = slices_of("main");
    CHECK(std::any_of(main_slices.begin(), main_slices.end(),
                      [](const json& e) { return field(e, "cat") == "gather"; }));
}

TEST_CASE("instants: printed lines on their task's thread, and how each task ended") {
    Run run;
    run.add("backpressure", queue_demo).add("lifecycle", lifecycle_demo);
    const json trace = run.trace();
    const Harness& queue = *run.harnesses[0];
    const json line = only(trace, "i", 1, tid_of(queue, "w0"), "w0 handled 0");
    CHECK(line["cat"] == "output");
    CHECK(line["ts"] == 40'000.0);
    CHECK(line["args"]["text"] == "w0 handled 0");

    const Harness& life = *run.harnesses[1];
    const json failed = only(trace, "i", 2, tid_of(life, "failing"), "failed: ValueError");
    CHECK(failed["cat"] == "end");
    CHECK(failed["ts"] == 20'000.0);
    CHECK(failed["args"]["error"] == "ValueError: bad input");
    const json answer = only(trace, "i", 2, tid_of(life, "answer"), "completed");
    CHECK(answer["args"]["result"] == 42);
    CHECK(answer["ts"] == 30'000.0);
    const json early = only(trace, "i", 2, tid_of(life, "cancelled-at-0"), "cancelled");
    CHECK(early["ts"] == 0.0);
    // A value is an end state's argument, not a log line of its own.
    CHECK(events_where(trace, [](const json& e) { return field(e, "cat") == "result"; }).empty());
}

TEST_CASE("engine parts' logs: thread-pool jobs, and the breaker as instants and a counter") {
    Run run;
    run.add("pool", primitives_demo).add("breaker", breaker_demo);
    const json trace = run.trace();
    CHECK_FALSE(events_where(trace, [](const json& e) {
                    return e["pid"] == 1 && e["ph"] == "i" && field(e, "cat") == "pool";
                }).empty());
    const auto transitions = events_where(trace, [](const json& e) {
        return e["pid"] == 2 && e["ph"] == "i" && field(e, "cat") == "breaker";
    });
    REQUIRE(transitions.size() == 3);
    CHECK(transitions[0]["name"] == "closed -> open");
    CHECK(transitions[2]["name"] == "half-open -> closed");
    const auto counter = events_where(trace, [](const json& e) { return e["ph"] == "C"; });
    REQUIRE(counter.size() == 4);
    std::vector<int> states;
    for (const json& c : counter) {
        CHECK(c["pid"] == 2);
        states.push_back(c["args"]["state"]);
    }
    CHECK(states == std::vector<int>{0, 2, 1, 0});
    CHECK(counter[1]["ts"] == transitions[0]["ts"]);
}

TEST_CASE("a task the run left pending is drawn to the section's end; bad UTF-8 is replaced") {
    Trace trace;
    trace.add_task({.id = 1, .parent = 0, .name = "main"});
    const auto record = [&](double t, EventType type, std::string text = {},
                            std::string_view channel = {}) {
        TraceEvent event;
        event.t = secs(t);
        event.task = 1;
        event.type = type;
        event.text = text;
        event.name = channel;
        trace.record(std::move(event));
    };
    record(0, EventType::Created);
    record(0, EventType::Started);
    record(0.001, EventType::Log, "caf\xC3 \xFF", channel::output);
    const std::vector<TraceSection> sections{{"cut short", &trace, secs(0.005)}};
    const json out = chrome_trace(sections);
    const auto slices = events_where(out, [](const json& e) { return e["ph"] == "X"; });
    REQUIRE(slices.size() == 1);
    CHECK(slices[0]["name"] == "running");
    CHECK(slices[0]["dur"] == 5'000.0);
    CHECK(events_where(out, [](const json& e) { return field(e, "cat") == "end"; }).empty());
    const std::string text = out.dump();  // would throw on invalid UTF-8
    CHECK(text.find("caf\xEF\xBF\xBD \xEF\xBF\xBD") != std::string::npos);
    CHECK(events_where(out, [](const json& e) {
              return e["tid"] == 0 && e["ph"] == "M" && e["name"] == "thread_name";
          }).empty());
}

TEST_CASE("a counter lane is a counter track: the queue's depth, from 0, step by step") {
    Run run;
    run.add("backpressure", queue_demo);
    const json trace = run.trace();
    const auto depth = events_where(
        trace, [](const json& e) { return e["ph"] == "C" && e["name"] == "queue depth"; });
    REQUIRE(depth.size() >= 2);
    CHECK(depth.front()["ts"] == 0.0);
    CHECK(depth.front()["args"]["value"] == 0);
    int most = 0;
    for (const json& c : depth) most = std::max(most, c["args"]["value"].get<int>());
    CHECK(most == 1);  // the timeline's "queue depth ... max 1"
}

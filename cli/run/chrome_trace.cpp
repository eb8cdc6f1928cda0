// Chrome trace-event JSON (the "JSON Array/Object Format" Perfetto imports) from the same
// per-task segments the timeline draws.
#include "run/chrome_trace.hpp"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "run/segments.hpp"
#include "run/value_json.hpp"

namespace asynclab::cli {

namespace {

using nlohmann::json;

double micros(Duration d) {
    return static_cast<double>(d.count()) / 1e3;
}

/// The text with invalid UTF-8 replaced: dump() throws on it, and lesson output is free text.
std::string utf8(std::string_view text) {
    return json::parse(json(text).dump(-1, ' ', false, json::error_handler_t::replace))
        .get<std::string>();
}

json metadata(std::string_view name, int pid, std::uint64_t tid, json args) {
    return {{"name", name}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", std::move(args)}};
}

json instant(std::string name, std::string_view category, Duration t, int pid, std::uint64_t tid,
             json args) {
    return {{"name", std::move(name)}, {"cat", category}, {"ph", "i"},  {"s", "t"},
            {"ts", micros(t)},         {"pid", pid},      {"tid", tid}, {"args", std::move(args)}};
}

json complete(const Segment& s, int pid, std::uint64_t tid) {
    std::string name = "running";
    std::string category = "running";
    if (s.activity == Activity::NotStarted) {
        name = category = "not started";
    } else if (s.activity == Activity::Waiting) {
        category = to_string(s.wait);
        name = utf8(describe_wait(s.wait, s.name));
    }
    return {{"name", std::move(name)},
            {"cat", std::move(category)},
            {"ph", "X"},
            {"ts", micros(s.begin)},
            {"dur", micros(s.end - s.begin)},
            {"pid", pid},
            {"tid", tid}};
}

json end_instant(const TaskSegments& task, int pid) {
    json args = json::object();
    std::string name(to_string(task.state));
    if (task.state == EndState::Failed) {
        name = fmt::format("failed: {}", utf8(task.error_kind));
        args["error"] = utf8(task.error);
    }
    if (task.result) args["result"] = json(to_json(*task.result));
    return instant(std::move(name), "end", task.ended, pid, task.info->id, std::move(args));
}

int breaker_level(BreakerState state) {
    switch (state) {
        case BreakerState::Closed:
            return 0;
        case BreakerState::HalfOpen:
            return 1;
        case BreakerState::Open:
            return 2;
    }
    return 0;
}

void add_section(json& events, const TraceSection& section, int pid) {
    events.push_back(metadata("process_name", pid, 0, {{"name", utf8(section.title)}}));
    events.push_back(metadata("process_sort_index", pid, 0, {{"sort_index", pid}}));
    if (section.trace == nullptr) return;
    const Trace& trace = *section.trace;

    bool loop_thread = false;
    for (const TraceEvent& e : trace.events()) loop_thread = loop_thread || e.task == 0;
    if (loop_thread) events.push_back(metadata("thread_name", pid, 0, {{"name", "loop"}}));

    const TraceReading reading = read_trace(trace, section.duration);
    int order = 0;
    for (const TaskSegments& task : reading.tasks) {
        const std::uint64_t tid = task.info->id;
        events.push_back(metadata("thread_name", pid, tid, {{"name", utf8(task.info->name)}}));
        events.push_back(metadata("thread_sort_index", pid, tid, {{"sort_index", ++order}}));
        for (const Segment& s : task.segments) events.push_back(complete(s, pid, tid));
        if (task.state != EndState::Unfinished) events.push_back(end_instant(task, pid));
    }
    for (const TraceEvent& e : trace.events()) {
        if (e.type == EventType::Log) {
            const std::string text = utf8(e.text);
            events.push_back(instant(text, utf8(e.name), e.t, pid, e.task,
                                     {{"channel", utf8(e.name)}, {"text", text}}));
        } else if (e.type == EventType::BreakerChanged) {
            events.push_back(instant(fmt::format("{} -> {}", to_string(e.from), to_string(e.to)),
                                     "breaker", e.t, pid, e.task,
                                     {{"from", to_string(e.from)}, {"to", to_string(e.to)}}));
        }
    }
    for (const BreakerSpan& span : reading.breaker) {
        events.push_back({{"name", "breaker (0 closed, 1 half-open, 2 open)"},
                          {"ph", "C"},
                          {"ts", micros(span.begin)},
                          {"pid", pid},
                          {"tid", 0},
                          {"args", {{"state", breaker_level(span.state)}}}});
    }
    // The counter lanes as Perfetto's counter tracks, one per counter, from the same reading.
    for (const CounterLane& lane : reading.counters) {
        const std::string name = utf8(counter_label(lane));
        for (const CounterStep& step : lane.steps) {
            events.push_back({{"name", name},
                              {"ph", "C"},
                              {"ts", micros(step.begin)},
                              {"pid", pid},
                              {"tid", 0},
                              {"args", {{"value", step.value}}}});
        }
    }
}

}  // namespace

json chrome_trace(std::span<const TraceSection> sections) {
    json events = json::array();
    int pid = 0;
    for (const TraceSection& section : sections) add_section(events, section, ++pid);
    return {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}};
}

}  // namespace asynclab::cli

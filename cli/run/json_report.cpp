#include "run/json_report.hpp"

#include <fmt/format.h>

#include "run/segments.hpp"
#include "run/value_json.hpp"

namespace asynclab::cli {

namespace {

using Json = nlohmann::ordered_json;

Json knob_json(const lessons::KnobValue& value) {
    return std::visit([](const auto& v) { return Json(v); }, value);
}

Json metrics_json(const lessons::Metrics& metrics) {
    Json out = Json::object();
    for (const auto& [name, value] : metrics) out[name] = to_json(value);
    return out;
}

Json optional_text(std::string_view s) {
    return s.empty() ? Json(nullptr) : Json(s);
}

Json task_id(std::uint64_t id) {
    return id == 0 ? Json(nullptr) : Json(id);
}

Json tasks_json(const TraceReading& reading) {
    Json tasks = Json::array();
    for (const TaskSegments& task : reading.tasks) {
        const bool ended = task.state != EndState::Unfinished;
        tasks.push_back({{"id", task.info->id},
                         {"name", task.info->name},
                         {"parent", task_id(task.info->parent)},
                         {"state", ended ? to_string(task.state) : "pending"},
                         {"created_s", to_secs(task.created)},
                         {"start_s", to_secs(task.started.value_or(task.created))},
                         {"end_s", ended ? Json(to_secs(task.ended)) : Json(nullptr)},
                         {"result", task.result ? to_json(*task.result) : Json(nullptr)},
                         {"error", optional_text(task.error)}});
    }
    return tasks;
}

/// The event as SPEC section 6 has it (t_s, task, type, detail: how it reads to a person), with
/// the typed fields that let `asynclab view` rebuild the trace (json-schema.md).
Json event_json(const TraceEvent& e) {
    Json event = {{"t_s", to_secs(e.t)}, {"task", task_id(e.task)}, {"type", to_string(e.type)}};
    switch (e.type) {
        case EventType::Suspended:
            event["detail"] = describe_wait(e.wait, e.name);
            event["wait"] = to_string(e.wait);
            event["name"] = e.name;
            break;
        case EventType::Log:
            event["detail"] = e.text;
            event["channel"] = e.name;
            break;
        case EventType::Failed:
            event["detail"] = e.text;
            event["error_kind"] = e.name;
            break;
        case EventType::BreakerChanged:
            event["detail"] = fmt::format("{} -> {}", to_string(e.from), to_string(e.to));
            event["name"] = e.name;
            event["from"] = to_string(e.from);
            event["to"] = to_string(e.to);
            break;
        default:
            event["detail"] = nullptr;
            break;
    }
    return event;
}

/// Every counter sample, in the order recorded: what the counter lanes are drawn from.
Json counters_json(const Trace& trace) {
    Json counters = Json::array();
    for (const CounterSample& s : trace.counters()) {
        counters.push_back({{"t_s", to_secs(s.t)},
                            {"kind", to_string(s.kind)},
                            {"name", s.name},
                            {"value", s.value}});
    }
    return counters;
}

}  // namespace

Json demo_json(std::string_view id, std::string_view title, Duration duration, bool interrupted,
               const std::optional<std::string>& error, const Trace& trace,
               const lessons::Metrics& metrics) {
    const TraceReading reading = read_trace(trace, duration);
    Json events = Json::array();
    Json output = Json::array();
    // In the order recorded, which is the order the live lines were printed in: a pool job's
    // start, stamped with the time its thread took it, may come after later events.
    for (const TraceEvent& e : trace.events()) {
        events.push_back(event_json(e));
        if (e.type == EventType::Log && e.name == channel::output) {
            output.push_back({{"t_s", to_secs(e.t)}, {"task", task_id(e.task)}, {"text", e.text}});
        }
    }
    return {{"id", id},
            {"title", title},
            {"duration_s", to_secs(duration)},
            {"interrupted", interrupted},
            {"error", error ? Json(*error) : Json(nullptr)},
            {"tasks", tasks_json(reading)},
            {"events", std::move(events)},
            {"output", std::move(output)},
            {"counters", counters_json(trace)},
            {"metrics", metrics_json(metrics)}};
}

Json demo_json(const lessons::DemoRun& demo, const lessons::LessonText& text) {
    const lessons::DemoText* words = text.demo(demo.spec->id);
    return demo_json(demo.spec->id, words != nullptr ? words->title : demo.spec->id, demo.duration,
                     demo.interrupted, demo.error, demo.trace, demo.metrics);
}

Json json_report(const lessons::LessonRun& run, const lessons::LessonText& text) {
    Json params = Json::object();
    for (const auto& spec : run.lesson->knobs().specs)
        params[spec.name] = knob_json(run.knobs.values().find(spec.name)->second);
    Json demos = Json::array();
    for (const auto& d : run.demos) demos.push_back(demo_json(d, text));
    const std::size_t chosen = lessons::chosen_demos(*run.lesson, run.options.only_demos).size();
    return {{"schema", report_schema},
            {"lesson",
             {{"number", run.lesson->number}, {"slug", run.lesson->slug}, {"title", text.title}}},
            {"clock", run.options.clock == ClockMode::Virtual ? "virtual" : "real"},
            {"seed", run.options.seed},
            {"speed", run.options.speed},
            {"params", std::move(params)},
            {"demos_chosen", chosen},
            {"demos", std::move(demos)}};
}

}  // namespace asynclab::cli

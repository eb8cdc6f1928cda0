#include "run/json_report.hpp"

#include <fmt/format.h>

#include "run/json_writer.hpp"
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

void task_id(JsonWriter& out, std::uint64_t id) {
    if (id == 0) {
        out.value(nullptr);
    } else {
        out.value(id);
    }
}

void write_tasks(JsonWriter& out, const TraceReading& reading) {
    out.begin_array();
    for (const TaskSegments& task : reading.tasks) {
        const bool ended = task.state != EndState::Unfinished;
        out.begin_object();
        out.member("id", task.info->id);
        out.member("name", task.info->name);
        task_id(out.key("parent"), task.info->parent);
        out.member("state", ended ? to_string(task.state) : "pending");
        out.member("created_s", to_secs(task.created));
        out.member("start_s", to_secs(task.started.value_or(task.created)));
        if (ended) {
            out.member("end_s", to_secs(task.ended));
        } else {
            out.member("end_s", nullptr);
        }
        if (task.result) {
            out.member("result", to_json(*task.result));
        } else {
            out.member("result", nullptr);
        }
        if (task.error.empty()) {
            out.member("error", nullptr);
        } else {
            out.member("error", task.error);
        }
        out.end_object();
    }
    out.end_array();
}

/// The event as SPEC section 6 has it (t_s, task, type, detail: how it reads to a person), with
/// the typed fields that let `asynclab view` rebuild the trace (json-schema.md).
void write_event(JsonWriter& out, const TraceEvent& e) {
    out.begin_object();
    out.member("t_s", to_secs(e.t));
    task_id(out.key("task"), e.task);
    out.member("type", to_string(e.type));
    switch (e.type) {
        case EventType::Suspended:
            out.member("detail", describe_wait(e.wait, e.name));
            out.member("wait", to_string(e.wait));
            out.member("name", e.name);
            break;
        case EventType::Log:
            out.member("detail", e.text);
            out.member("channel", e.name);
            break;
        case EventType::Failed:
            out.member("detail", e.text);
            out.member("error_kind", e.name);
            break;
        case EventType::BreakerChanged:
            out.member("detail", fmt::format("{} -> {}", to_string(e.from), to_string(e.to)));
            out.member("name", e.name);
            out.member("from", to_string(e.from));
            out.member("to", to_string(e.to));
            break;
        default:
            out.member("detail", nullptr);
            break;
    }
    out.end_object();
}

/// Every counter sample, in the order recorded: what the counter lanes are drawn from.
void write_counters(JsonWriter& out, const Trace& trace) {
    out.begin_array();
    for (const CounterSample& s : trace.counters()) {
        out.begin_object();
        out.member("t_s", to_secs(s.t));
        out.member("kind", to_string(s.kind));
        out.member("name", s.name);
        out.member("value", s.value);
        out.end_object();
    }
    out.end_array();
}

}  // namespace

void write_demo_fields(JsonWriter& out, std::string_view id, std::string_view title,
                       Duration duration, bool interrupted, const std::optional<std::string>& error,
                       const Trace& trace, const lessons::Metrics& metrics) {
    out.member("id", id);
    out.member("title", title);
    out.member("duration_s", to_secs(duration));
    out.member("interrupted", interrupted);
    if (error) {
        out.member("error", *error);
    } else {
        out.member("error", nullptr);
    }
    write_tasks(out.key("tasks"), read_trace(trace, duration));
    // In the order recorded, which is the order the live lines were printed in: a pool job's
    // start, stamped with the time its thread took it, may come after later events.
    out.key("events").begin_array();
    for (const TraceEvent& e : trace.events()) write_event(out, e);
    out.end_array();
    out.key("output").begin_array();
    for (const TraceEvent& e : trace.events()) {
        if (e.type != EventType::Log || e.name != channel::output) continue;
        out.begin_object();
        out.member("t_s", to_secs(e.t));
        task_id(out.key("task"), e.task);
        out.member("text", e.text);
        out.end_object();
    }
    out.end_array();
    write_counters(out.key("counters"), trace);
    out.member("metrics", metrics_json(metrics));
}

namespace {

void write_demo(JsonWriter& out, const lessons::DemoRun& demo, const lessons::LessonText& text) {
    const lessons::DemoText* words = text.demo(demo.spec->id);
    out.begin_object();
    write_demo_fields(out, demo.spec->id, words != nullptr ? words->title : demo.spec->id,
                      demo.duration, demo.interrupted, demo.error, demo.trace, demo.metrics);
    out.end_object();
}

}  // namespace

Json demo_json(const lessons::DemoRun& demo, const lessons::LessonText& text) {
    std::string doc;
    JsonWriter out(doc);
    write_demo(out, demo, text);
    return Json::parse(doc);
}

void json_report(JsonWriter& out, const lessons::LessonRun& run, const lessons::LessonText& text) {
    Json params = Json::object();
    for (const auto& spec : run.lesson->knobs().specs)
        params[spec.name] = knob_json(run.knobs.values().find(spec.name)->second);
    const std::size_t chosen = lessons::chosen_demos(*run.lesson, run.options.only_demos).size();
    out.begin_object();
    out.member("schema", report_schema);
    out.key("lesson").begin_object();
    out.member("number", run.lesson->number);
    out.member("slug", run.lesson->slug);
    out.member("title", text.title);
    out.end_object();
    out.member("clock", run.options.clock == ClockMode::Virtual ? "virtual" : "real");
    out.member("seed", run.options.seed);
    out.member("speed", run.options.speed);
    out.member("params", params);
    out.member("demos_chosen", chosen);
    out.key("demos").begin_array();
    for (const auto& d : run.demos) write_demo(out, d, text);
    out.end_array();
    out.end_object();
}

}  // namespace asynclab::cli

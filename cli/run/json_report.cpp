#include "run/json_report.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "run/value_json.hpp"

namespace asynclab::cli {

namespace {

using Json = nlohmann::ordered_json;

Json knob_json(const lessons::KnobValue& value) {
    return std::visit([](const auto& v) { return Json(v); }, value);
}

Json metrics_json(const lessons::Metrics& metrics) {
    Json out = Json::object();
    for (const auto& [name, value] : metrics) out[name] = value_json(value);
    return out;
}

Json optional_text(const std::string& s) {
    return s.empty() ? Json(nullptr) : Json(s);
}

Json tasks_json(const Trace& trace) {
    struct Row {
        Json created = nullptr, start = nullptr, end = nullptr, result = nullptr, error = nullptr;
        std::string state = "pending";
    };
    std::map<std::uint64_t, Row> rows;
    for (const TraceEvent& e : trace.events()) {
        if (e.task == 0) continue;
        Row& r = rows[e.task];
        switch (e.type) {
            case EventType::Created:
                r.created = to_secs(e.t);
                break;
            case EventType::Started:
                r.start = to_secs(e.t);
                break;
            case EventType::Completed:
            case EventType::Failed:
            case EventType::Cancelled:
                r.end = to_secs(e.t);
                r.state = std::string(to_string(e.type));
                if (e.type == EventType::Failed) r.error = e.detail;
                if (e.type == EventType::Completed)
                    r.result = Json::parse(e.detail, nullptr, false);
                break;
            default:
                break;
        }
    }
    Json tasks = Json::array();
    for (const TaskInfo& info : trace.tasks()) {
        const Row& r = rows[info.id];
        tasks.push_back({{"id", info.id},
                         {"name", info.name},
                         {"parent", info.parent == 0 ? Json(nullptr) : Json(info.parent)},
                         {"state", r.state},
                         {"created_s", r.created},
                         {"start_s", r.start.is_null() ? r.created : r.start},
                         {"end_s", r.end},
                         {"result", r.result.is_discarded() ? Json(nullptr) : r.result},
                         {"error", r.error}});
    }
    return tasks;
}

}  // namespace

Json demo_json(const lessons::DemoRun& demo, const lessons::LessonText& text) {
    const lessons::DemoText* words = text.demo(demo.spec->id);
    Json events = Json::array();
    Json output = Json::array();
    // Pool threads report a job's start when it ends, so record order is not always time order.
    std::vector<const TraceEvent*> in_time;
    for (const TraceEvent& e : demo.trace.events()) in_time.push_back(&e);
    std::stable_sort(in_time.begin(), in_time.end(),
                     [](const TraceEvent* a, const TraceEvent* b) { return a->t < b->t; });
    for (const TraceEvent* ep : in_time) {
        const TraceEvent& e = *ep;
        Json event = {{"t_s", to_secs(e.t)},
                      {"task", e.task == 0 ? Json(nullptr) : Json(e.task)},
                      {"type", to_string(e.type)},
                      {"detail", optional_text(e.detail)}};
        if (e.type == EventType::Suspended) event["wait"] = to_string(e.wait);
        if (e.type == EventType::Log) event["channel"] = e.channel;
        events.push_back(std::move(event));
        if (e.type == EventType::Log && e.channel == channel::output) {
            output.push_back({{"t_s", to_secs(e.t)},
                              {"task", e.task == 0 ? Json(nullptr) : Json(e.task)},
                              {"text", e.detail}});
        }
    }
    return {{"id", demo.spec->id},
            {"title", words != nullptr ? words->title : demo.spec->id},
            {"duration_s", to_secs(demo.duration)},
            {"interrupted", demo.interrupted},
            {"error", demo.error ? Json(*demo.error) : Json(nullptr)},
            {"tasks", tasks_json(demo.trace)},
            {"events", std::move(events)},
            {"output", std::move(output)},
            {"metrics", metrics_json(demo.metrics)}};
}

Json json_report(const lessons::LessonRun& run, const lessons::LessonText& text) {
    Json params = Json::object();
    for (const auto& spec : run.lesson->knobs().specs)
        params[spec.name] = knob_json(run.knobs.values().find(spec.name)->second);
    Json demos = Json::array();
    for (const auto& d : run.demos) demos.push_back(demo_json(d, text));
    return {{"lesson",
             {{"number", run.lesson->number}, {"slug", run.lesson->slug}, {"title", text.title}}},
            {"clock", run.options.clock == ClockMode::Virtual ? "virtual" : "real"},
            {"seed", run.options.seed},
            {"speed", run.options.speed},
            {"params", std::move(params)},
            {"demos", std::move(demos)}};
}

}  // namespace asynclab::cli

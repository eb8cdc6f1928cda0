#include "view/saved_run.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "run/json_report.hpp"
#include "run/value_json.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

using Json = nlohmann::ordered_json;

/// A JSON value and where it is in the document, for errors that name the field.
class Field {
  public:
    Field(const Json& json, std::string path) : json_(json), path_(std::move(path)) {}

    [[nodiscard]] Field at(std::string_view key) const {
        const std::string path =
            path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
        if (!json_.is_object())
            throw DocumentError(say("view.should_be", fmt::arg("path", path_),
                                    fmt::arg("what", tr("view.an_object"))));
        const auto it = json_.find(key);
        if (it == json_.end())
            throw DocumentError(say("view.missing_field", fmt::arg("path", path)));
        return Field(*it, path);
    }
    [[nodiscard]] std::vector<Field> items() const {
        if (!json_.is_array())
            throw DocumentError(say("view.should_be", fmt::arg("path", path_),
                                    fmt::arg("what", tr("view.a_list"))));
        std::vector<Field> out;
        for (std::size_t i = 0; i < json_.size(); ++i) {
            out.emplace_back(json_[i], fmt::format("{}[{}]", path_, i));
        }
        return out;
    }
    [[nodiscard]] bool is_null() const { return json_.is_null(); }
    [[nodiscard]] const Json& json() const { return json_; }

    [[nodiscard]] double number() const {
        if (!json_.is_number()) throw wrong(tr("view.a_number"));
        return json_.get<double>();
    }
    [[nodiscard]] std::int64_t integer() const {
        if (!json_.is_number_integer()) throw wrong(tr("view.a_whole_number"));
        return json_.get<std::int64_t>();
    }
    [[nodiscard]] bool boolean() const {
        if (!json_.is_boolean()) throw wrong(tr("view.a_bool"));
        return json_.get<bool>();
    }
    [[nodiscard]] std::string text() const {
        if (!json_.is_string()) throw wrong(tr("view.a_string"));
        return json_.get<std::string>();
    }
    /// A task id: null is none (0).
    [[nodiscard]] std::uint32_t task() const {
        if (is_null()) return 0;
        const std::int64_t id = integer();
        if (id < 0 || id > std::int64_t{UINT32_MAX}) throw wrong(tr("view.a_task_id"));
        return static_cast<std::uint32_t>(id);
    }
    [[nodiscard]] Duration seconds() const { return secs(number()); }
    /// One of an enum's names, as to_string spells them.
    template <class Enum>
    [[nodiscard]] Enum one_of(Enum last) const {
        const std::string name = text();
        for (int i = 0; i <= static_cast<int>(last); ++i) {
            if (to_string(static_cast<Enum>(i)) == name) return static_cast<Enum>(i);
        }
        throw DocumentError(
            say("view.unknown_value", fmt::arg("path", path_), fmt::arg("value", name)));
    }

  private:
    [[nodiscard]] DocumentError wrong(const std::string& expected) const {
        return DocumentError(
            say("view.should_be", fmt::arg("path", path_), fmt::arg("what", expected)));
    }
    const Json& json_;
    std::string path_;
};

TraceEvent read_event(const Field& f) {
    TraceEvent e;
    e.t = f.at("t_s").seconds();
    e.task = f.at("task").task();
    e.type = f.at("type").one_of(EventType::BreakerChanged);
    switch (e.type) {
        case EventType::Suspended:
            e.wait = f.at("wait").one_of(WaitKind::Other);
            break;
        case EventType::BreakerChanged:
            e.from = f.at("from").one_of(BreakerState::HalfOpen);
            e.to = f.at("to").one_of(BreakerState::HalfOpen);
            break;
        default:
            break;
    }
    return e;
}

/// The field that names an event's subject, by its type ("" when it has none).
std::string_view name_key(EventType type) {
    switch (type) {
        case EventType::Suspended:
        case EventType::BreakerChanged:
            return "name";
        case EventType::Log:
            return "channel";
        case EventType::Failed:
            return "error_kind";
        default:
            return "";
    }
}

SavedDemo read_demo(const Field& f) {
    SavedDemo demo;
    demo.id = f.at("id").text();
    demo.title = f.at("title").text();
    demo.duration = f.at("duration_s").seconds();
    demo.interrupted = f.at("interrupted").boolean();
    if (const Field error = f.at("error"); !error.is_null()) demo.error = error.text();
    for (const Field& t : f.at("tasks").items()) {
        const std::uint32_t id = t.at("id").task();
        demo.trace.add_task(
            TaskInfo{.id = id, .parent = t.at("parent").task(), .name = t.at("name").text()});
        demo.trace.set_value(id, value_from_json(t.at("result").json()));
    }
    for (const Field& ef : f.at("events").items()) {
        TraceEvent e = read_event(ef);
        // Names and texts are views: the Trace keeps its own copy of each when the event is
        // recorded, so these strings may go once it is.
        std::string name;
        if (const std::string_view key = name_key(e.type); !key.empty()) name = ef.at(key).text();
        e.name = name;
        std::string text;
        if (e.type == EventType::Log || e.type == EventType::Failed) text = ef.at("detail").text();
        e.text = text;
        demo.trace.record(std::move(e));
    }
    // Added within schema 1: a document written before counters has none.
    if (f.json().contains("counters")) {
        for (const Field& c : f.at("counters").items()) {
            const std::string name = c.at("name").text();
            demo.trace.record_counter(CounterSample{c.at("t_s").seconds(),
                                                    c.at("kind").one_of(CounterKind::PermitsInUse),
                                                    name, c.at("value").integer()});
        }
    }
    const Field metrics = f.at("metrics");
    if (!metrics.json().is_object())
        throw DocumentError(say("view.should_be", fmt::arg("path", "metrics"),
                                fmt::arg("what", tr("view.an_object"))));
    for (const auto& [name, value] : metrics.json().items())
        demo.metrics.emplace_back(name, value_from_json(value));
    demo.json = f.json();
    return demo;
}

/// "line 3, column 7" of byte `offset` (counted from 1, as nlohmann's errors count it).
std::string position(std::string_view text, std::size_t offset) {
    const std::string_view before =
        text.substr(0, std::min(offset > 0 ? offset - 1 : 0, text.size()));
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    const auto line_start = before.rfind('\n');
    const auto column =
        before.size() - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    return say("view.position", fmt::arg("line", line), fmt::arg("column", column));
}

}  // namespace

SavedRun read_saved_run(std::string_view text) {
    Json json;
    try {
        json = Json::parse(text);
    } catch (const Json::parse_error& e) {
        throw DocumentError(say("view.not_json", fmt::arg("at", position(text, e.byte))));
    }
    const Field root(json, "");
    if (!json.is_object()) throw DocumentError(tr("view.not_object"));
    if (!json.contains("schema")) {
        throw DocumentError(say("view.no_schema", fmt::arg("schema", report_schema)));
    }
    if (const std::int64_t schema = root.at("schema").integer(); schema != report_schema) {
        throw DocumentError(
            say("view.other_schema", fmt::arg("schema", schema), fmt::arg("reads", report_schema)));
    }
    SavedRun run;
    run.lesson = static_cast<int>(root.at("lesson").at("number").integer());
    run.title = root.at("lesson").at("title").text();
    if (json["lesson"].contains("slug")) run.slug = root.at("lesson").at("slug").text();
    run.demos_chosen = static_cast<int>(root.at("demos_chosen").integer());
    for (const Field& demo : root.at("demos").items()) run.demos.push_back(read_demo(demo));
    return run;
}

}  // namespace asynclab::cli

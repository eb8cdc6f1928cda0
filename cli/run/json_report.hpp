#pragma once
// `run --json`: one JSON document for a whole lesson run (cli/run/json-schema.md). Everything in it
// comes from the run's traces and metrics, so under the virtual clock the same seed gives the same
// bytes, and `asynclab view` redraws the run from it.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"

namespace asynclab::cli {

/// The document's "schema": raised whenever a reader of the old one would misread the new.
inline constexpr int report_schema = 1;

class JsonWriter;

/// The whole document, without a final new line.
void json_report(JsonWriter& out, const lessons::LessonRun& run, const lessons::LessonText& text);

/// One demo's fields, into the object `out` has open (`trace --json` has no lesson to name the
/// demo, and adds fields of its own after these).
void write_demo_fields(JsonWriter& out, std::string_view id, std::string_view title,
                       Duration duration, bool interrupted, const std::optional<std::string>& error,
                       const Trace& trace, const lessons::Metrics& metrics);

/// One demo's part of the report, as a tree.
nlohmann::ordered_json demo_json(const lessons::DemoRun& demo, const lessons::LessonText& text);

}  // namespace asynclab::cli

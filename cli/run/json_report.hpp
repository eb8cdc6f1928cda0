#pragma once
// `run --json`: one JSON document for a whole lesson run (SPEC section 6). Everything in it comes
// from the run's traces and metrics, so under the virtual clock the same seed gives the same bytes.

#include <nlohmann/json.hpp>

#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"

namespace asynclab::cli {

nlohmann::ordered_json json_report(const lessons::LessonRun& run, const lessons::LessonText& text);

/// One demo's part of the report.
nlohmann::ordered_json demo_json(const lessons::DemoRun& demo, const lessons::LessonText& text);

}  // namespace asynclab::cli

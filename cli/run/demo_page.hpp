#pragma once
// The parts of `asynclab run`'s page drawn from a demo's record rather than from the lesson's
// prose: headings, live lines, and what follows a demo (timeline, then the figures or what went
// wrong). `asynclab view` draws a saved run with the same functions, so the two print the same.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "asynclab/lessons/lesson.hpp"
#include "asynclab/trace.hpp"
#include "run/segments.hpp"
#include "terminal/terminal.hpp"

namespace asynclab::cli {

/// "Lesson 3 · Queues", then a blank line.
[[nodiscard]] std::string lesson_heading(int number, std::string_view title, const Terminal& term);

/// "━━ 1/3 backpressure · A full queue holds the producer back ━━".
[[nodiscard]] std::string demo_heading(int shown, int total, std::string_view id,
                                       std::string_view title, const Terminal& term);

/// The live line of a log or a breaker change: "   0.500 s  w0          w0 handled 3". Other
/// events are no line: "".
[[nodiscard]] std::string live_line(const TraceEvent& e, const Trace& trace, const Terminal& term);

/// What follows a demo: its timeline, then its figures — or that it was interrupted, or failed.
[[nodiscard]] std::string demo_result(const TraceReading& reading, bool interrupted,
                                      const std::optional<std::string>& error,
                                      const lessons::Metrics& metrics, const Terminal& term);

}  // namespace asynclab::cli

#pragma once
// The parts of `asynclab run`'s page drawn from a demo's record rather than from the lesson's
// prose: headings, live lines, and what follows a demo (timeline, then the figures or what went
// wrong). `asynclab view` draws a saved run with the same functions, so the two print the same.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// "  asyncio twin: async def backpressure() in 03_queue.py", dimmed: where the demo is written
/// as the asyncio the learner will write. "" for a lesson this build does not have.
[[nodiscard]] std::string twin_line(int lesson, std::string_view demo_id, const Terminal& term);

/// "  Watch for: …", dimmed: the demo's watch line, cut to the terminal's width.
[[nodiscard]] std::string watch_line(std::string_view text, const Terminal& term);

/// `text` in at most `width` columns, an ellipsis marking the cut.
[[nodiscard]] std::string cut_to_width(std::string_view text, int width, bool unicode);

/// The live line of a log or a breaker change: "   0.500 s  w0          w0 handled 3", wrapped
/// under its text when wider than the terminal. Other events are no line: "".
[[nodiscard]] std::string live_line(const TraceEvent& e, const Trace& trace, const Terminal& term);

/// What follows a demo: its timeline, then its figures — or that it was interrupted, or failed.
/// A `watch` line (the demo's, filled in; `run` has it, a saved run does not) goes just above the
/// timeline.
[[nodiscard]] std::string demo_result(const TraceReading& reading, bool interrupted,
                                      const std::optional<std::string>& error,
                                      const lessons::Metrics& metrics, const Terminal& term,
                                      std::string_view watch = {});

}  // namespace asynclab::cli

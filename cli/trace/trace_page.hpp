#pragma once
// What `asynclab trace` shows beyond a lesson's page — its heading, how the program ended, the
// mistakes it made and a hang's wait-for chain — and the JSON of all that, so that `asynclab view`
// redraws a saved trace as `trace` printed it.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "terminal/terminal.hpp"
#include "trace/recording.hpp"

namespace asynclab::cli {

class JsonWriter;

/// "Trace · prog.py", then a blank line.
[[nodiscard]] std::string trace_heading(std::string_view program, const Terminal& term);

/// What follows the live lines: the timeline and figures (when any task ran), then the ending.
/// `in_exercise`: drawn by `check`, so a mistake does not send the learner to an exercise.
[[nodiscard]] std::string trace_result(const Recording& r, const Terminal& term,
                                       bool in_exercise = false);

/// After the timeline and figures: how it ended, each mistake with its file:line and the lesson
/// that covers it (and the exercise that practises it), and for a hang each stuck task, what it
/// waits on and who could release it. The same mistake at the same place is one line.
[[nodiscard]] std::string trace_ending(const Recording& r, const Terminal& term,
                                       bool in_exercise = false);

/// The document `trace --json` prints, without a final new line: `run --json`'s schema, one demo
/// ("program").
void trace_json(JsonWriter& out, const Recording& r, std::string_view program,
                const std::vector<std::string>& args, ClockMode clock);

/// The demo's fields only a trace has ("outcome", "findings", "stuck"...), read back into `r`
/// (its trace and end are the caller's). Throws nlohmann's errors on a bad document.
void read_trace_extras(const nlohmann::ordered_json& demo, Recording& r);

}  // namespace asynclab::cli

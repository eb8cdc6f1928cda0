#pragma once
// The timeline drawn after each demo: a time axis, one lane per task (what it was doing, column by
// column) and a legend of the marks that appear. It is how learners see a concept at a glance.

#include <string>

#include "run/segments.hpp"
#include "terminal/terminal.hpp"

namespace asynclab::cli {

struct TimelineOptions {
    const Terminal* terminal = nullptr;  ///< Colour and width; nullptr: no colour, 80 columns.
    bool unicode = true;                 ///< false: plain ASCII (a file, an old terminal).
};

/// The timeline of a demo, one '\n'-terminated line per row. No line is wider than the terminal
/// (taken as at least 40 columns) or ends in a space.
[[nodiscard]] std::string render_timeline(const TraceReading& reading,
                                          const TimelineOptions& options);

}  // namespace asynclab::cli

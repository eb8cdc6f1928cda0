#pragma once
// A lesson run as Chrome trace-event JSON, for `run --trace FILE`: Perfetto (ui.perfetto.dev) and
// chrome://tracing open it, zoom into it and measure in it, beyond what a terminal can show.

#include <nlohmann/json.hpp>

#include <span>
#include <string>

#include "asynclab/clock.hpp"
#include "asynclab/trace.hpp"

namespace asynclab::cli {

/// One demo of the run: a process of its own in the trace viewer, named `title`.
struct TraceSection {
    std::string title;
    const Trace* trace = nullptr;
    Duration duration{};  ///< How long the demo ran; tasks still pending are drawn up to it.
};

/// {"traceEvents": [...], "displayTimeUnit": "ms"}: per demo a process (pid 1, 2, ...), per task
/// a thread (tid = task id; tid 0 is the loop itself), complete events ("X") for what each task
/// was doing, instant events ("i") for log lines and for how each task ended, and a counter track
/// for a circuit breaker's state. Times in microseconds.
[[nodiscard]] nlohmann::json chrome_trace(std::span<const TraceSection> sections);

}  // namespace asynclab::cli

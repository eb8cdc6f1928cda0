#pragma once
// A trace turned into what each task was doing from moment to moment: the one reading of a Trace
// that the timeline and the Chrome trace both draw, so the two can never tell different stories.
// Views (string_view, pointers) point into the Trace, which must outlive them.

#include <cstdint>
#include <string_view>
#include <vector>

#include "asynclab/circuit_breaker.hpp"
#include "asynclab/clock.hpp"
#include "asynclab/executor.hpp"
#include "asynclab/trace.hpp"

namespace asynclab::cli {

enum class Activity : std::uint8_t {
    NotStarted,  ///< Created (spawned) but not yet run once.
    Running,     ///< On the loop thread: zero-length on the virtual clock unless it blocks.
    Waiting,     ///< Suspended: sleeping, yielded, or waiting on something (see `wait`).
};

struct Segment {
    Duration begin{};
    Duration end{};
    Activity activity = Activity::Running;
    WaitKind wait = WaitKind::None;  ///< For Waiting.
    std::string_view what;           ///< For Waiting: the trace's detail, "queue.put (full)".
};

/// The `what` of the part of a wait on the pool after a thread took the job.
inline constexpr std::string_view running_on_pool = "executor (running on a pool thread)";

enum class EndState : std::uint8_t { Unfinished, Completed, Failed, Cancelled };

std::string_view to_string(EndState state) noexcept;

struct TaskSegments {
    const TaskInfo* info = nullptr;
    Duration created{};
    Duration ended{};  ///< When it finished; the demo's end when Unfinished.
    EndState state = EndState::Unfinished;
    std::string_view error;   ///< Failed: "ValueError: bad input".
    std::string_view result;  ///< Completed: its value as a JSON literal, when one was logged.
    /// In time order, back to back, from `created` to `ended`. Zero-length ones are kept (a
    /// running task takes no time on the virtual clock), but not an empty NotStarted before them.
    std::vector<Segment> segments;
};

/// One entry per task of the trace, in creation order. Tasks the trace never ended are closed
/// at `end`.
[[nodiscard]] std::vector<TaskSegments> task_segments(const Trace& trace, Duration end);

/// "ValueError" from "ValueError: bad input".
[[nodiscard]] std::string_view error_kind(std::string_view error) noexcept;

struct BreakerSpan {
    Duration begin{};
    Duration end{};
    BreakerState state = BreakerState::Closed;
};

/// The circuit breaker's state over [0, end] from the "breaker" channel's "<from> -> <to>" lines;
/// empty when the trace has none. Spans are back to back; a state held for no time is kept.
[[nodiscard]] std::vector<BreakerSpan> breaker_spans(const Trace& trace, Duration end);

}  // namespace asynclab::cli

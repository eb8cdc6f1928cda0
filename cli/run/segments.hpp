#pragma once
// The one reading of a demo's trace: what each task was doing from moment to moment, how it ended,
// and the circuit breaker's states. The timeline, the summary, `--json` and the Chrome trace all
// draw from it, so no two of them can tell different stories, and none reads the trace itself.
// Views (string_view, pointers) point into the Trace, which must outlive the reading.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asynclab/clock.hpp"
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
    std::string_view name;           ///< For Waiting: the primitive's name, the awaited task's.
};

enum class EndState : std::uint8_t { Unfinished, Completed, Failed, Cancelled };

std::string_view to_string(EndState state) noexcept;

struct TaskSegments {
    const TaskInfo* info = nullptr;
    Duration created{};
    std::optional<Duration> started;  ///< Its first step, if it ever took one.
    Duration ended{};                 ///< When it finished; the demo's end when Unfinished.
    EndState state = EndState::Unfinished;
    std::string_view error;       ///< Failed: "ValueError: bad input".
    std::string_view error_kind;  ///< Failed: "ValueError".
    std::optional<Value> result;  ///< Completed with a value (not none): the value.
    /// In time order, back to back, from `created` to `ended`. Zero-length ones are kept (a
    /// running task takes no time on the virtual clock), but not an empty NotStarted before them.
    std::vector<Segment> segments;
};

struct BreakerSpan {
    Duration begin{};
    Duration end{};
    BreakerState state = BreakerState::Closed;
};

/// One value of a counter, held over [begin, end).
struct CounterStep {
    Duration begin{};
    Duration end{};
    std::int64_t value = 0;
};

/// A counter over the demo: a queue's depth, a semaphore's permits in use.
struct CounterLane {
    CounterKind kind = CounterKind::QueueDepth;
    std::string_view name;  ///< The primitive's: "queue", "slots".
    std::int64_t max = 0;   ///< The most it ever held.
    /// Back to back from 0 to the demo's end, starting at 0 (an empty queue, no permit in use).
    /// The trace keeps one sample per instant (the last), so only the first and last step may be
    /// empty.
    std::vector<CounterStep> steps;
};

/// "queue depth", "slots in use": what a counter lane is called.
[[nodiscard]] std::string counter_label(const CounterLane& lane);

/// A demo's trace, read once.
struct TraceReading {
    Duration end{};
    /// One entry per task of the trace, in creation order. Tasks the trace never ended are
    /// closed at `end`.
    std::vector<TaskSegments> tasks;
    /// The circuit breaker's state over [0, end]; empty when the trace has no breaker. Spans are
    /// back to back; a state held for no time is kept.
    std::vector<BreakerSpan> breaker;
    /// One lane per counter the trace sampled, in the order each was first sampled.
    std::vector<CounterLane> counters;
};

[[nodiscard]] TraceReading read_trace(const Trace& trace, Duration end);

}  // namespace asynclab::cli

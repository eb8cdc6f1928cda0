#pragma once
// A record of every state change of every task, stamped with the loop's clock. The lessons' JSON,
// timelines and Chrome traces are all drawn from it. A loop without a Trace records nothing: each
// recording site is one pointer test.
//
// Events are typed: a wait says what it waits on (WaitKind) and names the primitive, a breaker's
// change carries its two states, a task's value is a Value (Trace::value). Text appears only where
// the fact is text: a printed line, an error's message.

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "asynclab/breaker_state.hpp"
#include "asynclab/clock.hpp"
#include "asynclab/value.hpp"

namespace asynclab {

enum class EventType : std::uint8_t {
    Created,
    Started,
    Suspended,
    Resumed,
    Completed,
    Failed,
    Cancelled,
    Log,
    BreakerChanged,  ///< A circuit breaker moved from one state to another (`from`, `to`).
};

/// What a suspended task waits on.
enum class WaitKind : std::uint8_t {
    None,
    Sleep,
    Yield,      ///< sleep(0): back of the ready queue.
    Task,       ///< Awaiting another task; the name is that task's.
    Gather,     ///< gather(), wait() or a task group: several tasks at once.
    Timeout,    ///< wait() with a timeout: several tasks, or the deadline, whichever first.
    QueueGet,   ///< The queue is empty.
    QueuePut,   ///< The queue is full.
    QueueJoin,  ///< Items put are not all marked done.
    Semaphore,
    Lock,
    Event,
    PoolQueued,   ///< A job handed to the thread pool, waiting for a thread.
    PoolRunning,  ///< A pool thread runs the job.
    Backoff,      ///< A retry's pause before its next attempt (retry.hpp).
    Io,           ///< Waiting for a reply, as from a network (a lesson's fake service).
    Other,
};

/// A number that tells a story over time, sampled at each change.
enum class CounterKind : std::uint8_t {
    QueueDepth,    ///< Items in a queue (lesson 3's backpressure).
    PermitsInUse,  ///< A semaphore's permits held (lesson 4's limit).
};

std::string_view to_string(EventType type) noexcept;
/// "queue.depth", "permits.in_use", as the JSON report spells them.
std::string_view to_string(CounterKind kind) noexcept;
/// "sleep", "task", "queue.get"... as the JSON report spells them.
std::string_view to_string(WaitKind kind) noexcept;
/// How a wait reads to a person: "queue.get (empty)", "task fetch-1", "semaphore.acquire".
[[nodiscard]] std::string describe_wait(WaitKind kind, std::string_view name);

/// Log channels: the lesson's own printed lines, and what engine parts report.
namespace channel {
inline constexpr std::string_view output = "output";
inline constexpr std::string_view engine = "engine";
}  // namespace channel

struct TraceEvent {
    Duration t{};
    /// The task's id; 0: the loop itself, outside any task. 32 bits, beside the enums, keep the
    /// event at 48 bytes (ids beyond them would take a trace of hundreds of gigabytes).
    std::uint32_t task = 0;
    EventType type = EventType::Log;
    WaitKind wait = WaitKind::None;            ///< For Suspended.
    BreakerState from = BreakerState::Closed;  ///< For BreakerChanged.
    BreakerState to = BreakerState::Closed;    ///< For BreakerChanged.
    /// Log: the line; Failed: "ValueError: bad input". Empty otherwise. Like `name`, once recorded
    /// it views the Trace's own copy; before record() it may view any string that outlives the
    /// call.
    std::string_view text;
    /// Suspended: the primitive's name ("queue", the awaited task's name); Log: the channel;
    /// Failed: the error's kind ("ValueError"); BreakerChanged: the breaker's. Once recorded it
    /// views the Trace's own copy (each name is kept once), so an event costs no second string.
    std::string_view name;
};

/// A counter's new value. Kept apart from the events, which it would grow for every event.
struct CounterSample {
    Duration t{};
    CounterKind kind = CounterKind::QueueDepth;
    std::string_view name;  ///< The primitive's name ("queue", "slots"), the Trace's own copy.
    std::int64_t value = 0;
};

/// A task as the trace knows it. Its value is kept apart (Trace::value): a traced spawn of a
/// million tasks keeps a million of these, and most values are none or an integer, which need no
/// `Value`.
struct TaskInfo {
    std::uint32_t id = 0;      ///< 32 bits, as TraceEvent::task.
    std::uint32_t parent = 0;  ///< The task that spawned it (0: spawned from outside any task).
    std::string name;
};

class Trace {
  public:
    using Observer = std::function<void(const TraceEvent&)>;

    Trace() = default;
    // Events view names the Trace owns: a copy would view the original's.
    Trace(const Trace&) = delete;
    Trace& operator=(const Trace&) = delete;
    Trace(Trace&&) noexcept = default;
    Trace& operator=(Trace&&) noexcept = default;

    /// Called with each event as it is recorded (the CLI streams output lines live with it).
    void set_observer(Observer observer) { observer_ = std::move(observer); }

    void add_task(TaskInfo info);
    /// Keeps a completed task's value (before its Completed event is recorded). A task the trace
    /// does not know is ignored.
    void set_value(std::uint64_t task, Value value);
    /// What a task returned: none for a void task, one not (yet) completed, or one not known.
    [[nodiscard]] Value value(std::uint64_t task) const;
    void record(TraceEvent event);
    /// Samples of one counter are kept in time order; a second sample at the same time replaces
    /// the first (what held between two instants is the last value).
    void record_counter(CounterSample sample);

    [[nodiscard]] const std::deque<TraceEvent>& events() const noexcept { return events_; }
    [[nodiscard]] const std::deque<TaskInfo>& tasks() const noexcept { return tasks_; }
    /// Every counter's samples, in the order recorded.
    [[nodiscard]] const std::deque<CounterSample>& counters() const noexcept { return counters_; }
    [[nodiscard]] const TaskInfo* task(std::uint64_t id) const noexcept;

  private:
    std::string_view intern(std::string_view name);
    /// The task's index in tasks_, or tasks_.size() when it is not known.
    [[nodiscard]] std::size_t position(std::uint64_t id) const noexcept;

    /// A task's value in 16 bytes: an integer in place, anything else an index into values_.
    struct ValueSlot {
        enum class Kind : std::uint8_t { None, Integer, Other };
        std::int64_t bits = 0;
        Kind kind = Kind::None;
    };

    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    // A deque: a long run appends millions of events, and a vector would copy them all each
    // time it grows (a third of the cost of tracing a spawn-heavy run).
    std::deque<TraceEvent> events_;
    // Node-based: growing it moves no name that events view.
    std::unordered_set<std::string, NameHash, std::equal_to<>> names_;
    // Each event's text, kept once per event: most events have none, so an event holds a view
    // (16 bytes) rather than a string (32). A deque, so growing it moves no text an event views.
    std::deque<std::string> texts_;
    std::deque<TaskInfo> tasks_;   // a deque for the same reason as events_
    std::deque<ValueSlot> slots_;  // one per task, beside tasks_
    std::deque<Value> values_;     // the values that are neither none nor an integer
    std::deque<CounterSample> counters_;
    Observer observer_;
};

}  // namespace asynclab

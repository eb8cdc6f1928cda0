#pragma once
// A record of every state change of every task, stamped with the loop's clock. The lessons' JSON,
// timelines and Chrome traces are all drawn from it. A loop without a Trace records nothing: each
// recording site is one pointer test.

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "asynclab/clock.hpp"

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
};

/// What a suspended task waits on; a timeline draws sleeping and the kinds of waiting differently.
enum class WaitKind : std::uint8_t {
    None,
    Sleep,
    Yield,
    Task,
    Queue,
    Semaphore,
    Lock,
    Event,
    Executor,
    Other,
};

std::string_view to_string(EventType type) noexcept;
std::string_view to_string(WaitKind kind) noexcept;

/// Log channels: the lesson's own printed lines, and what engine parts report.
namespace channel {
inline constexpr std::string_view output = "output";
inline constexpr std::string_view engine = "engine";
}  // namespace channel

struct TraceEvent {
    Duration t{};
    /// The task's id; 0: the loop itself, outside any task. 32 bits, beside the two enums, keep
    /// the event at 64 bytes (ids beyond them would take a trace of hundreds of gigabytes).
    std::uint32_t task = 0;
    EventType type = EventType::Log;
    WaitKind wait = WaitKind::None;  ///< For Suspended.
    /// "queue.put (full)", an error, a printed line; for Completed, the task's value as a JSON
    /// literal (42, "A"), or empty when it has none.
    std::string detail;
    /// For Log: channel::output or an engine part. Once recorded it views the Trace's own copy of
    /// the name (each channel is kept once), so an event costs no second string.
    std::string_view channel;
};

struct TaskInfo {
    std::uint64_t id = 0;
    std::string name;
    std::uint64_t parent = 0;  ///< The task that spawned it (0: spawned from outside any task).
};

class Trace {
  public:
    using Observer = std::function<void(const TraceEvent&)>;

    Trace() = default;
    // Events view channel names the Trace owns: a copy would view the original's.
    Trace(const Trace&) = delete;
    Trace& operator=(const Trace&) = delete;
    Trace(Trace&&) noexcept = default;
    Trace& operator=(Trace&&) noexcept = default;

    /// Called with each event as it is recorded (the CLI streams output lines live with it).
    void set_observer(Observer observer) { observer_ = std::move(observer); }

    void add_task(TaskInfo info) { tasks_.push_back(std::move(info)); }
    void record(TraceEvent event);

    [[nodiscard]] const std::deque<TraceEvent>& events() const noexcept { return events_; }
    [[nodiscard]] const std::deque<TaskInfo>& tasks() const noexcept { return tasks_; }
    [[nodiscard]] const TaskInfo* task(std::uint64_t id) const noexcept;

  private:
    // A deque: a long run appends millions of events, and a vector would copy them all each
    // time it grows (a third of the cost of tracing a spawn-heavy run).
    std::deque<TraceEvent> events_;
    std::deque<std::string> channels_;  // a deque: growing it moves no name that events view
    std::deque<TaskInfo> tasks_;        // a deque for the same reason as events_
    Observer observer_;
};

}  // namespace asynclab

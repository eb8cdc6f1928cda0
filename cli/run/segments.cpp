// Reads a Trace as a state machine per task (created -> started -> suspended/resumed ... -> end),
// and the breaker channel as a state machine of its own.
#include "run/segments.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace asynclab::cli {

std::string_view to_string(EndState state) noexcept {
    switch (state) {
        case EndState::Unfinished:
            return "unfinished";
        case EndState::Completed:
            return "completed";
        case EndState::Failed:
            return "failed";
        case EndState::Cancelled:
            return "cancelled";
    }
    return "?";
}

std::string_view error_kind(std::string_view error) noexcept {
    return error.substr(0, error.find(": "));
}

namespace {

/// Closes the open segment at `t` and opens the next one there. Time never runs backwards in a
/// task's own events; if a trace says otherwise the segment is empty rather than negative.
void move_to(TaskSegments& task, Duration t, Activity activity, WaitKind wait = WaitKind::None,
             std::string_view what = {}) {
    Segment& open = task.segments.back();
    t = std::max(t, open.begin);
    open.end = t;
    if (open.activity == Activity::NotStarted && open.end == open.begin) task.segments.pop_back();
    task.segments.push_back(Segment{t, t, activity, wait, what});
}

void finish(TaskSegments& task, Duration t, EndState state) {
    if (task.state != EndState::Unfinished) return;
    t = std::max(t, task.segments.back().begin);
    task.segments.back().end = t;
    task.ended = t;
    task.state = state;
}

/// A task waiting on the pool: its job leaves the queue for a thread.
void pool_job_started_for(TaskSegments& task, Duration t) {
    if (task.state != EndState::Unfinished || task.segments.empty()) return;
    const Segment& open = task.segments.back();
    if (open.activity != Activity::Waiting || open.wait != WaitKind::Executor) return;
    move_to(task, t, Activity::Waiting, WaitKind::Executor, running_on_pool);
}

}  // namespace

std::vector<TaskSegments> task_segments(const Trace& trace, Duration end) {
    std::vector<TaskSegments> tasks;
    tasks.reserve(trace.tasks().size());
    std::unordered_map<std::uint64_t, std::size_t> index;
    for (const TaskInfo& info : trace.tasks()) {
        index.emplace(info.id, tasks.size());
        tasks.emplace_back().info = &info;
    }
    // Events before Created should not happen; a trace missing Created starts at its first event.
    std::vector<bool> seen(tasks.size(), false);
    for (const TraceEvent& e : trace.events()) {
        auto it = index.find(e.task);
        if (it == index.end()) continue;
        TaskSegments& task = tasks[it->second];
        if (e.type == EventType::Log) {
            if (e.channel == channel::pool && e.detail.ends_with(pool_job_started)) {
                pool_job_started_for(task, e.t);
            }
            continue;
        }
        if (!seen[it->second]) {
            seen[it->second] = true;
            task.created = e.t;
            task.segments.push_back(Segment{e.t, e.t, Activity::NotStarted, WaitKind::None, {}});
        }
        if (task.state != EndState::Unfinished) continue;
        switch (e.type) {
            case EventType::Created:
                break;
            case EventType::Started:
            case EventType::Resumed:
                move_to(task, e.t, Activity::Running);
                break;
            case EventType::Suspended:
                move_to(task, e.t, Activity::Waiting, e.wait, e.detail);
                break;
            case EventType::Completed:
                finish(task, e.t, EndState::Completed);
                task.result = e.detail;
                break;
            case EventType::Failed:
                finish(task, e.t, EndState::Failed);
                task.error = e.detail;
                break;
            case EventType::Cancelled:
                finish(task, e.t, EndState::Cancelled);
                break;
            case EventType::Log:
                break;
        }
    }
    for (TaskSegments& task : tasks) {
        if (task.segments.empty()) {
            // Registered but never recorded: it exists from the start, never ran.
            task.segments.push_back(Segment{{}, end, Activity::NotStarted, WaitKind::None, {}});
        }
        if (task.state == EndState::Unfinished) {
            task.segments.back().end = std::max(end, task.segments.back().begin);
            task.ended = task.segments.back().end;
        }
        if (task.state != EndState::Completed) task.result = {};
    }
    return tasks;
}

namespace {

std::optional<BreakerState> parse_breaker_state(std::string_view text) {
    for (BreakerState s : {BreakerState::Closed, BreakerState::Open, BreakerState::HalfOpen}) {
        if (text == to_string(s)) return s;
    }
    return std::nullopt;
}

}  // namespace

std::vector<BreakerSpan> breaker_spans(const Trace& trace, Duration end) {
    struct Change {
        Duration t;
        BreakerState from, to;
    };
    std::vector<Change> changes;
    for (const TraceEvent& e : trace.events()) {
        if (e.type != EventType::Log || e.channel != channel::breaker) continue;
        const std::string_view detail = e.detail;
        const auto arrow = detail.find(" -> ");
        if (arrow == std::string_view::npos) continue;
        auto from = parse_breaker_state(detail.substr(0, arrow));
        auto to = parse_breaker_state(detail.substr(arrow + 4));
        if (from && to) changes.push_back(Change{e.t, *from, *to});
    }
    std::vector<BreakerSpan> spans;
    if (changes.empty()) return spans;
    std::stable_sort(changes.begin(), changes.end(),
                     [](const Change& a, const Change& b) { return a.t < b.t; });
    // The breaker was in the first change's "from" state since the start (if it held it at all).
    if (changes.front().t > Duration{}) {
        spans.push_back(BreakerSpan{Duration{}, changes.front().t, changes.front().from});
    }
    for (const Change& c : changes) {
        if (!spans.empty()) spans.back().end = c.t;
        spans.push_back(BreakerSpan{c.t, c.t, c.to});
    }
    spans.back().end = std::max(end, spans.back().begin);
    return spans;
}

}  // namespace asynclab::cli

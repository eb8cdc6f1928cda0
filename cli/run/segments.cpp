// Reads a Trace as a state machine per task (created -> started -> suspended/resumed ... -> end),
// and the breaker's typed changes as a state machine of its own.
#include "run/segments.hpp"

#include <algorithm>
#include <unordered_map>

#include "words.hpp"

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

namespace {

/// Closes the open segment at `t` and opens the next one there. Time never runs backwards in a
/// task's own events; if a trace says otherwise the segment is empty rather than negative.
void move_to(TaskSegments& task, Duration t, Activity activity, WaitKind wait = WaitKind::None,
             std::string_view name = {}) {
    Segment& open = task.segments.back();
    t = std::max(t, open.begin);
    open.end = t;
    if (open.activity == Activity::NotStarted && open.end == open.begin) task.segments.pop_back();
    task.segments.push_back(Segment{t, t, activity, wait, name});
}

void finish(TaskSegments& task, Duration t, EndState state) {
    t = std::max(t, task.segments.back().begin);
    task.segments.back().end = t;
    task.ended = t;
    task.state = state;
}

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
        if (e.type == EventType::Log || e.type == EventType::BreakerChanged) continue;
        auto it = index.find(e.task);
        if (it == index.end()) continue;
        TaskSegments& task = tasks[it->second];
        if (!seen[it->second]) {
            seen[it->second] = true;
            task.created = e.t;
            task.segments.push_back(Segment{e.t, e.t, Activity::NotStarted, WaitKind::None, {}});
        }
        if (task.state != EndState::Unfinished) continue;
        switch (e.type) {
            case EventType::Started:
                if (!task.started) task.started = e.t;
                move_to(task, e.t, Activity::Running);
                break;
            case EventType::Resumed:
                move_to(task, e.t, Activity::Running);
                break;
            case EventType::Suspended:
                move_to(task, e.t, Activity::Waiting, e.wait, e.name);
                break;
            case EventType::Completed:
                finish(task, e.t, EndState::Completed);
                if (Value v = trace.value(e.task); !v.is_none()) task.result = std::move(v);
                break;
            case EventType::Failed:
                finish(task, e.t, EndState::Failed);
                task.error = e.text;
                task.error_kind = e.name;
                break;
            case EventType::Cancelled:
                finish(task, e.t, EndState::Cancelled);
                break;
            default:
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
    }
    return tasks;
}

std::vector<BreakerSpan> breaker_spans(const Trace& trace, Duration end) {
    std::vector<const TraceEvent*> changes;
    for (const TraceEvent& e : trace.events()) {
        if (e.type == EventType::BreakerChanged) changes.push_back(&e);
    }
    std::vector<BreakerSpan> spans;
    if (changes.empty()) return spans;
    std::stable_sort(changes.begin(), changes.end(),
                     [](const TraceEvent* a, const TraceEvent* b) { return a->t < b->t; });
    // The breaker was in the first change's "from" state since the start (if it held it at all).
    if (changes.front()->t > Duration{}) {
        spans.push_back(BreakerSpan{Duration{}, changes.front()->t, changes.front()->from});
    }
    for (const TraceEvent* c : changes) {
        if (!spans.empty()) spans.back().end = c->t;
        spans.push_back(BreakerSpan{c->t, c->t, c->to});
    }
    spans.back().end = std::max(end, spans.back().begin);
    return spans;
}

std::vector<CounterLane> counter_lanes(const Trace& trace, Duration end) {
    std::vector<CounterLane> lanes;
    for (const CounterSample& s : trace.counters()) {
        auto lane = std::find_if(lanes.begin(), lanes.end(), [&](const CounterLane& l) {
            return l.kind == s.kind && l.name == s.name;
        });
        if (lane == lanes.end()) {
            lane = lanes.insert(lanes.end(), CounterLane{s.kind, s.name, 0, {}});
            lane->steps.push_back(CounterStep{Duration{}, Duration{}, 0});
        }
        CounterStep& open = lane->steps.back();
        const Duration t = std::max(s.t, open.begin);
        open.end = t;
        lane->steps.push_back(CounterStep{t, t, s.value});
    }
    for (CounterLane& lane : lanes) {
        lane.steps.back().end = std::max(end, lane.steps.back().begin);
        for (const CounterStep& s : lane.steps) lane.max = std::max(lane.max, s.value);
    }
    return lanes;
}

}  // namespace

std::string counter_label(const CounterLane& lane) {
    switch (lane.kind) {
        case CounterKind::QueueDepth:
            return say("timeline.queue_depth", fmt::arg("name", lane.name));
        case CounterKind::PermitsInUse:
            return say("timeline.permits_in_use", fmt::arg("name", lane.name));
    }
    return std::string(lane.name);
}

TraceReading read_trace(const Trace& trace, Duration end) {
    return TraceReading{end, task_segments(trace, end), breaker_spans(trace, end),
                        counter_lanes(trace, end)};
}

}  // namespace asynclab::cli

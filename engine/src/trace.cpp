#include "asynclab/trace.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace asynclab {

std::string_view to_string(EventType type) noexcept {
    switch (type) {
        case EventType::Created:
            return "created";
        case EventType::Started:
            return "started";
        case EventType::Suspended:
            return "suspended";
        case EventType::Resumed:
            return "resumed";
        case EventType::Completed:
            return "completed";
        case EventType::Failed:
            return "failed";
        case EventType::Cancelled:
            return "cancelled";
        case EventType::Log:
            return "log";
        case EventType::BreakerChanged:
            return "breaker";
    }
    return "?";
}

std::string_view to_string(CounterKind kind) noexcept {
    switch (kind) {
        case CounterKind::QueueDepth:
            return "queue.depth";
        case CounterKind::PermitsInUse:
            return "permits.in_use";
    }
    return "?";
}

std::string_view to_string(WaitKind kind) noexcept {
    switch (kind) {
        case WaitKind::None:
            return "none";
        case WaitKind::Sleep:
            return "sleep";
        case WaitKind::Yield:
            return "yield";
        case WaitKind::Task:
            return "task";
        case WaitKind::Gather:
            return "gather";
        case WaitKind::Timeout:
            return "timeout";
        case WaitKind::QueueGet:
            return "queue.get";
        case WaitKind::QueuePut:
            return "queue.put";
        case WaitKind::QueueJoin:
            return "queue.join";
        case WaitKind::Semaphore:
            return "semaphore";
        case WaitKind::Lock:
            return "lock";
        case WaitKind::Event:
            return "event";
        case WaitKind::PoolQueued:
            return "pool.queued";
        case WaitKind::PoolRunning:
            return "pool.running";
        case WaitKind::Backoff:
            return "backoff";
        case WaitKind::Io:
            return "io";
        case WaitKind::Other:
            return "other";
    }
    return "?";
}

std::string describe_wait(WaitKind kind, std::string_view name) {
    switch (kind) {
        case WaitKind::Task:
            return fmt::format("task {}", name);
        case WaitKind::QueueGet:
            return fmt::format("{}.get (empty)", name);
        case WaitKind::QueuePut:
            return fmt::format("{}.put (full)", name);
        case WaitKind::QueueJoin:
            return fmt::format("{}.join", name);
        case WaitKind::Semaphore:
        case WaitKind::Lock:
            return fmt::format("{}.acquire", name);
        case WaitKind::Event:
            return fmt::format("{}.wait", name);
        case WaitKind::PoolQueued:
            return fmt::format("{} (queued for a thread)", name);
        case WaitKind::PoolRunning:
            return fmt::format("{} (running on a pool thread)", name);
        case WaitKind::Backoff:
            return "backoff before a retry";
        case WaitKind::Io:
            return name.empty() ? std::string("io (a reply)") : fmt::format("io ({})", name);
        default:
            return std::string(name.empty() ? to_string(kind) : name);
    }
}

// A traced run of a million tasks records three million events: keep an eye on their size.
static_assert(sizeof(void*) != 8 || sizeof(TraceEvent) == 48, "TraceEvent grew: count its bytes");

std::string_view Trace::intern(std::string_view name) {
    if (name.empty()) return {};
    auto known = names_.find(name);
    return known != names_.end() ? *known : *names_.emplace(name).first;
}

void Trace::record(TraceEvent event) {
    event.name = intern(event.name);
    if (!event.text.empty()) event.text = texts_.emplace_back(event.text);
    events_.push_back(event);
    if (observer_) observer_(events_.back());
}

void Trace::record_counter(CounterSample sample) {
    sample.name = intern(sample.name);
    // Two changes in one instant (a put handed straight to a getter): only the last one held.
    for (auto it = counters_.rbegin(); it != counters_.rend() && it->t == sample.t; ++it) {
        if (it->kind == sample.kind && it->name == sample.name) {
            it->value = sample.value;
            return;
        }
    }
    counters_.push_back(sample);
}

// A traced spawn of a million tasks keeps a million of each: keep an eye on their size.
static_assert(sizeof(void*) != 8 || sizeof(TaskInfo) == 40, "TaskInfo grew: count its bytes");

void Trace::add_task(TaskInfo info) {
    tasks_.push_back(std::move(info));
    slots_.emplace_back();
}

void Trace::set_value(std::uint64_t task, Value value) {
    const std::size_t at = position(task);
    if (at == tasks_.size()) return;
    ValueSlot& slot = slots_[at];
    if (const auto* integer = value.get_if<std::int64_t>()) {
        slot = {*integer, ValueSlot::Kind::Integer};
    } else if (value.is_none()) {
        slot = {};
    } else if (slot.kind == ValueSlot::Kind::Other) {
        values_[static_cast<std::size_t>(slot.bits)] = std::move(value);
    } else {
        slot = {static_cast<std::int64_t>(values_.size()), ValueSlot::Kind::Other};
        values_.push_back(std::move(value));
    }
}

Value Trace::value(std::uint64_t task) const {
    const std::size_t at = position(task);
    if (at == tasks_.size()) return {};
    const ValueSlot& slot = slots_[at];
    switch (slot.kind) {
        case ValueSlot::Kind::Integer:
            return slot.bits;
        case ValueSlot::Kind::Other:
            return values_[static_cast<std::size_t>(slot.bits)];
        case ValueSlot::Kind::None:
            break;
    }
    return {};
}

std::size_t Trace::position(std::uint64_t id) const noexcept {
    // Ids are handed out in order, so the task is usually at index id - 1.
    if (id >= 1 && id <= tasks_.size() && tasks_[id - 1].id == id) return id - 1;
    auto it =
        std::find_if(tasks_.begin(), tasks_.end(), [id](const TaskInfo& t) { return t.id == id; });
    return static_cast<std::size_t>(it - tasks_.begin());
}

const TaskInfo* Trace::task(std::uint64_t id) const noexcept {
    const std::size_t at = position(id);
    return at == tasks_.size() ? nullptr : &tasks_[at];
}

}  // namespace asynclab

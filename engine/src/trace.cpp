#include "asynclab/trace.hpp"

#include <algorithm>

#include "asynclab/detail/result_literal.hpp"

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
        case WaitKind::Queue:
            return "queue";
        case WaitKind::Semaphore:
            return "semaphore";
        case WaitKind::Lock:
            return "lock";
        case WaitKind::Event:
            return "event";
        case WaitKind::Executor:
            return "executor";
        case WaitKind::Other:
            return "other";
    }
    return "?";
}

// A traced run of a million tasks records three million events: keep an eye on their size.
static_assert(sizeof(void*) != 8 || sizeof(TraceEvent) == 64, "TraceEvent grew: count its bytes");

void Trace::record(TraceEvent event) {
    if (!event.channel.empty()) {
        // A handful of channels in all: a scan beats any map.
        auto known = std::find(channels_.begin(), channels_.end(), event.channel);
        event.channel = known != channels_.end() ? *known : channels_.emplace_back(event.channel);
    }
    events_.push_back(std::move(event));
    if (observer_) observer_(events_.back());
}

const TaskInfo* Trace::task(std::uint64_t id) const noexcept {
    // Ids are handed out in order, so the task is usually at index id - 1.
    if (id >= 1 && id <= tasks_.size() && tasks_[id - 1].id == id) return &tasks_[id - 1];
    auto it =
        std::find_if(tasks_.begin(), tasks_.end(), [id](const TaskInfo& t) { return t.id == id; });
    return it == tasks_.end() ? nullptr : &*it;
}

namespace detail {

std::string json_quoted(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += fmt::format("\\u{:04x}", static_cast<int>(c));
                } else {
                    out += c;
                }
        }
    }
    out += '"';
    return out;
}

}  // namespace detail

}  // namespace asynclab

#pragma once
// A virtual-clock loop with a trace, and readable views of what happened, for exact assertions.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "asynclab/engine.hpp"

namespace asynclab::testing {

struct Harness {
    explicit Harness(ClockMode clock = ClockMode::Virtual, LoopOptions options = {})
        : loop(with_trace(options, clock)) {}

    /// "0.100 main woke" for each printed line, in order.
    [[nodiscard]] std::vector<std::string> output() const { return log(channel::output); }

    /// "0.020 main attempt 2/4" for each line logged on channel `ch`, in the order recorded.
    [[nodiscard]] std::vector<std::string> log(std::string_view ch) const;

    /// "0.000 w0 suspended queue.get (empty)", "0.000 n completed 42" for each event of the given
    /// types.
    [[nodiscard]] std::vector<std::string> events(std::initializer_list<EventType> types) const;

    [[nodiscard]] std::string name_of(std::uint64_t id) const {
        const TaskInfo* info = trace.task(id);
        return info != nullptr ? info->name : "loop";
    }

    Trace trace;
    Loop loop;

  private:
    LoopOptions with_trace(LoopOptions options, ClockMode clock) {
        options.clock = clock;
        options.trace = &trace;
        return options;
    }
};

using Lines = std::vector<std::string>;

/// A value as the engine tests spell it: 42, 1.5, true, "quoted" (escaped), [1, 2]; none is "".
inline std::string literal(const Value& value) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return "";
            } else if constexpr (std::is_same_v<T, std::string>) {
                std::string out = "\"";
                for (char c : v)
                    out += (c == '"' || c == '\\') ? std::string{'\\', c} : std::string{c};
                return out + '"';
            } else if constexpr (std::is_same_v<T, ValueList>) {
                std::vector<std::string> items;
                for (const Value& item : v) items.push_back(literal(item));
                return fmt::format("[{}]", fmt::join(items, ", "));
            } else if constexpr (std::is_same_v<T, ValueRecord>) {
                std::vector<std::string> fields;
                for (const auto& [k, item] : v) fields.push_back(k + ": " + literal(item));
                return fmt::format("{{{}}}", fmt::join(fields, ", "));
            } else {
                return fmt::format("{}", v);
            }
        },
        value.data());
}

/// What an event says beyond its type: the wait, the value, the error, the line, the change.
inline std::string event_detail(const Trace& trace, const TraceEvent& e) {
    switch (e.type) {
        case EventType::Suspended:
            return describe_wait(e.wait, e.name);
        case EventType::Completed:
            return literal(trace.value(e.task));
        case EventType::BreakerChanged:
            return fmt::format("{} -> {}", to_string(e.from), to_string(e.to));
        default:
            return std::string(e.text);
    }
}

inline std::vector<std::string> Harness::events(std::initializer_list<EventType> types) const {
    std::vector<std::string> lines;
    for (const auto& e : trace.events()) {
        if (std::find(types.begin(), types.end(), e.type) == types.end()) continue;
        std::string line =
            fmt::format("{:.3f} {} {}", to_secs(e.t), name_of(e.task), to_string(e.type));
        if (const std::string detail = event_detail(trace, e); !detail.empty())
            line += " " + detail;
        lines.push_back(std::move(line));
    }
    return lines;
}

/// "0.020 main attempt 2/4" for each line of `trace` logged on channel `ch`, in the order
/// recorded; lines of no task are "loop"'s. A breaker's changes are "closed -> open" lines of
/// the channel that names it.
inline Lines log_lines(const Trace& trace, std::string_view ch) {
    Lines lines;
    for (const auto& e : trace.events()) {
        if (e.type != EventType::Log && e.type != EventType::BreakerChanged) continue;
        if (e.name != ch) continue;
        const TaskInfo* info = trace.task(e.task);
        lines.push_back(fmt::format("{:.3f} {} {}", to_secs(e.t), info ? info->name : "loop",
                                    event_detail(trace, e)));
    }
    return lines;
}

inline Lines Harness::log(std::string_view ch) const {
    return log_lines(trace, ch);
}

/// "0.100 slots permits.in_use 1" for each counter sample, in the order recorded.
inline Lines counter_lines(const Trace& trace) {
    Lines lines;
    for (const CounterSample& s : trace.counters()) {
        lines.push_back(
            fmt::format("{:.3f} {} {} {}", to_secs(s.t), s.name, to_string(s.kind), s.value));
    }
    return lines;
}

/// Waits until `task` is done, whatever way it ended (a braced std::vector{...} cannot appear in
/// a co_await expression with GCC 12, whose coroutines reject initializer_list temporaries).
template <class T>
Task<void> settled(TaskHandle<T> task) {
    std::vector<TaskHandle<T>> one{std::move(task)};
    co_await wait(std::move(one));
}

/// No coroutine frame or task record outlives the loop that ran it.
inline void check_no_leaks() {
    const auto& s = detail::allocation_stats();
    CHECK(s.live_frames == 0);
    CHECK(s.live_records == 0);
}

}  // namespace asynclab::testing

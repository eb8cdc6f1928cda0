#pragma once
// A virtual-clock loop with a trace, and readable views of what happened, for exact assertions.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <string_view>
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

    /// "0.000 w0 suspended queue.get (empty)" for each event of the given types.
    [[nodiscard]] std::vector<std::string> events(std::initializer_list<EventType> types) const {
        std::vector<std::string> lines;
        for (const auto& e : trace.events()) {
            if (std::find(types.begin(), types.end(), e.type) == types.end()) continue;
            std::string line =
                fmt::format("{:.3f} {} {}", to_secs(e.t), name_of(e.task), to_string(e.type));
            if (!e.detail.empty()) line += " " + e.detail;
            lines.push_back(std::move(line));
        }
        return lines;
    }

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

/// "0.020 main attempt 2/4" for each line of `trace` logged on channel `ch`, in the order
/// recorded; lines of no task are "loop"'s.
inline Lines log_lines(const Trace& trace, std::string_view ch) {
    Lines lines;
    for (const auto& e : trace.events()) {
        if (e.type != EventType::Log || e.channel != ch) continue;
        const TaskInfo* info = trace.task(e.task);
        lines.push_back(
            fmt::format("{:.3f} {} {}", to_secs(e.t), info ? info->name : "loop", e.detail));
    }
    return lines;
}

inline Lines Harness::log(std::string_view ch) const {
    return log_lines(trace, ch);
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

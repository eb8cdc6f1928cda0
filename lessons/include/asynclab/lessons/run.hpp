#pragma once
// Running a lesson: each demo on a fresh loop with a trace, in the clock, speed and seed asked
// for. This is the one runner: `asynclab run`, the quiz and the tests all go through it. Callers
// watch a run live through its hooks; the result holds everything the timeline, the summary and
// the JSON are drawn from.

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "asynclab/engine.hpp"
#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {

struct RunOptions {
    ClockMode clock = ClockMode::Virtual;
    double speed = 1.0;
    std::uint64_t seed = 42;
    std::vector<std::string> only_demos;  ///< Empty: every demo.
    /// Set (by a signal handler, say) to stop the run: the demo running is cancelled at its
    /// loop's next turn and reported interrupted, and no further demo starts. nullptr: never.
    const std::atomic<bool>* interrupt = nullptr;
};

struct DemoRun {
    const DemoSpec* spec = nullptr;
    Duration duration{};
    Trace trace;
    Metrics metrics;
    bool interrupted = false;          ///< RunOptions::interrupt cancelled it.
    std::optional<std::string> error;  ///< The demo failed (or was cancelled): what happened.

    /// The figure `name` reported, or none.
    [[nodiscard]] const Value& metric(std::string_view name) const;
};

/// Live views of a run, each optional.
struct RunHooks {
    /// Before each demo starts.
    std::function<void(const DemoSpec&)> before_demo;
    /// Each trace event as it happens, with the trace it is recorded in (to name its task).
    std::function<void(const TraceEvent&, const Trace&)> on_event;
    /// After each demo, interrupted or not.
    std::function<void(const DemoRun&)> after_demo;
};

struct LessonRun {
    const Lesson* lesson = nullptr;
    Knobs knobs;
    RunOptions options;
    std::vector<DemoRun> demos;
    bool interrupted = false;  ///< Stopped by RunOptions::interrupt, in a demo or between two.
    [[nodiscard]] bool failed() const;
    /// Loop time the demos took, together.
    [[nodiscard]] Duration duration() const;
};

/// Runs the chosen demos of `lesson` in order, until the end or an interrupt.
/// The demos `only` chooses (every demo when it is empty), in the lesson's order, each once.
[[nodiscard]] std::vector<const DemoSpec*> chosen_demos(const Lesson& lesson,
                                                        const std::vector<std::string>& only);

LessonRun run_lesson(const Lesson& lesson, const Knobs& knobs, const RunOptions& options,
                     const RunHooks& hooks = {});

/// Runs one demo.
DemoRun run_demo(const Lesson& lesson, const DemoSpec& demo, const Knobs& knobs,
                 const RunOptions& options, const RunHooks& hooks = {});

}  // namespace asynclab::lessons

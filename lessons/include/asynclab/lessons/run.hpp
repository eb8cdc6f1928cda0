#pragma once
// Running a lesson: each demo on a fresh loop with a trace, in the clock, speed and seed asked
// for. Callers watch it live through the hooks; the result holds everything the timeline, the
// summary and the JSON are drawn from.

#include <nlohmann/json.hpp>

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
    /// Called before each demo starts.
    std::function<void(const DemoSpec&)> before_demo;
    /// Called with each trace event as it happens (output streams live through this).
    Trace::Observer on_event;
    /// Called with each demo's loop before it runs (the CLI hooks Ctrl-C here).
    std::function<void(Loop&)> on_loop;
};

struct DemoRun {
    const DemoSpec* spec = nullptr;
    Duration duration{};
    Trace trace;
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
    bool interrupted = false;          ///< Set by the caller whose Ctrl-C cancelled the run.
    std::optional<std::string> error;  ///< The demo failed (or was cancelled): what happened.
};

struct LessonRun {
    const Lesson* lesson = nullptr;
    Knobs knobs;
    RunOptions options;
    std::vector<DemoRun> demos;
    [[nodiscard]] bool interrupted() const;
    [[nodiscard]] bool failed() const;
};

/// Runs the chosen demos of `lesson` in order, stopping after one that was interrupted.
LessonRun run_lesson(const Lesson& lesson, const Knobs& knobs, const RunOptions& options);

/// Runs one demo.
DemoRun run_demo(const Lesson& lesson, const DemoSpec& demo, const Knobs& knobs,
                 const RunOptions& options);

}  // namespace asynclab::lessons

#include "asynclab/lessons/run.hpp"

#include <algorithm>

namespace asynclab::lessons {

bool LessonRun::interrupted() const {
    return std::any_of(demos.begin(), demos.end(), [](const DemoRun& d) { return d.interrupted; });
}

bool LessonRun::failed() const {
    return std::any_of(demos.begin(), demos.end(),
                       [](const DemoRun& d) { return d.error.has_value(); });
}

DemoRun run_demo(const Lesson& lesson, const DemoSpec& spec, const Knobs& knobs,
                 const RunOptions& options) {
    DemoRun result;
    result.spec = &spec;
    LoopOptions loop_options{.clock = options.clock,
                             .speed = options.speed,
                             .trace = &result.trace,
                             .seed = options.seed};
    if (lesson.configure != nullptr) lesson.configure(loop_options, knobs);
    if (options.on_event) result.trace.set_observer(options.on_event);
    {
        Loop loop(loop_options);
        // Engine complaints (an exception nobody retrieved) are in the trace; the CLI shows them.
        loop.set_exception_handler([](const std::string&) {});
        if (options.on_loop) options.on_loop(loop);
        Demo demo(knobs, result.metrics);
        try {
            loop.run(spec.body(demo), "main");
        } catch (...) {
            result.error = describe(std::current_exception());
        }
        result.duration = loop.now();
    }
    result.trace.set_observer({});
    return result;
}

LessonRun run_lesson(const Lesson& lesson, const Knobs& knobs, const RunOptions& options) {
    LessonRun run{.lesson = &lesson, .knobs = knobs, .options = options, .demos = {}};
    for (const DemoSpec& spec : lesson.demos) {
        const auto& only = options.only_demos;
        if (!only.empty() && std::find(only.begin(), only.end(), spec.id) == only.end()) continue;
        if (options.before_demo) options.before_demo(spec);
        run.demos.push_back(run_demo(lesson, spec, knobs, options));
        if (run.demos.back().interrupted) break;
    }
    return run;
}

}  // namespace asynclab::lessons

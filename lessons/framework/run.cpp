#include "asynclab/lessons/run.hpp"

#include <algorithm>

namespace asynclab::lessons {

bool LessonRun::failed() const {
    return std::any_of(demos.begin(), demos.end(),
                       [](const DemoRun& d) { return d.error.has_value(); });
}

Duration LessonRun::duration() const {
    Duration total{};
    for (const DemoRun& d : demos) total += d.duration;
    return total;
}

const Value& DemoRun::metric(std::string_view name) const {
    static const Value none;
    auto it = std::find_if(metrics.begin(), metrics.end(),
                           [&](const auto& m) { return m.first == name; });
    return it == metrics.end() ? none : it->second;
}

DemoRun run_demo(const Lesson& lesson, const DemoSpec& spec, const Knobs& knobs,
                 const RunOptions& options, const RunHooks& hooks) {
    DemoRun result;
    result.spec = &spec;
    // The real clock is the virtual clock played at the wall's pace: the same story at any
    // --speed, each event shown live when its time comes (LoopOptions::paced says why).
    LoopOptions loop_options{.clock = ClockMode::Virtual,
                             .speed = options.speed,
                             .trace = &result.trace,
                             .seed = options.seed,
                             .paced = options.clock == ClockMode::Real};
    // A Threads knob sizes both pools: the virtual clock's simulated one, and libuv's real one.
    // libuv's is process-wide and sized once, before its first job: before the first demo runs.
    for (const KnobSpec& k : lesson.knobs().specs) {
        if (k.kind != KnobKind::Threads) continue;
        loop_options.pool_size = static_cast<unsigned>(knobs.count(k.name));
        configure_thread_pool(loop_options.pool_size);  // false (no change) once it has started
    }
    if (hooks.on_event) {
        result.trace.set_observer([&on_event = hooks.on_event, &trace = result.trace](
                                      const TraceEvent& e) { on_event(e, trace); });
    }
    {
        Loop loop(loop_options);
        // Engine complaints (an exception nobody retrieved) are in the trace; the CLI shows them.
        loop.set_exception_handler([](const std::string&) {});
        loop.set_interrupt_flag(options.interrupt);
        Demo demo(knobs, result.metrics);
        try {
            loop.run(spec.body(demo), "main");
        } catch (...) {
            result.error = describe(std::current_exception());
        }
        result.interrupted = loop.interrupted();
        result.duration = loop.now();
    }
    result.trace.set_observer({});
    return result;
}

std::vector<const DemoSpec*> chosen_demos(const Lesson& lesson,
                                          const std::vector<std::string>& only) {
    std::vector<const DemoSpec*> chosen;
    for (const DemoSpec& spec : lesson.demos) {
        if (only.empty() || std::find(only.begin(), only.end(), spec.id) != only.end())
            chosen.push_back(&spec);
    }
    return chosen;
}

LessonRun run_lesson(const Lesson& lesson, const Knobs& knobs, const RunOptions& options,
                     const RunHooks& hooks) {
    LessonRun run{.lesson = &lesson, .knobs = knobs, .options = options, .demos = {}};
    const auto stop = [&] {
        return options.interrupt != nullptr && options.interrupt->load(std::memory_order_relaxed);
    };
    for (const DemoSpec* chosen : chosen_demos(lesson, options.only_demos)) {
        const DemoSpec& spec = *chosen;
        if (stop()) {
            run.interrupted = true;
            break;
        }
        if (hooks.before_demo) hooks.before_demo(spec);
        run.demos.push_back(run_demo(lesson, spec, knobs, options, hooks));
        if (hooks.after_demo) hooks.after_demo(run.demos.back());
        if (run.demos.back().interrupted) {
            run.interrupted = true;
            break;
        }
    }
    return run;
}

}  // namespace asynclab::lessons

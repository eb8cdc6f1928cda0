// `asynclab run N`: explain each demo, run it (streaming its output live on the real clock),
// then draw its timeline, its figures and its takeaway. Or, with --json, one JSON document.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "asynclab/lessons/prose_lookup.hpp"
#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "progress/progress_store.hpp"
#include "run/chrome_trace.hpp"
#include "run/demo_page.hpp"
#include "run/interrupt.hpp"
#include "run/json_report.hpp"
#include "terminal/text_wrap.hpp"

namespace asynclab::cli {

namespace {

constexpr double max_real_run_s = 3600;

void check_demos(const lessons::Lesson& lesson, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        if (lesson.demo(id) != nullptr) continue;
        std::string valid;
        for (const auto& d : lesson.demos) valid += (valid.empty() ? "" : ", ") + d.id;
        throw UsageError(
            fmt::format("lesson {} has no demo '{}'; its demos are {}", lesson.number, id, valid));
    }
}

/// The real clock plays the run at --speed: refuse a speed that would make it last more than an
/// hour. How long the run takes is what the virtual clock says it takes, so ask it.
void check_real_duration(const lessons::Lesson& lesson, const lessons::Knobs& knobs,
                         const lessons::RunOptions& options) {
    lessons::RunOptions virtual_options = options;
    virtual_options.clock = ClockMode::Virtual;
    const double run_s = to_secs(lessons::run_lesson(lesson, knobs, virtual_options).duration());
    const double real_s = run_s / options.speed;
    if (real_s <= max_real_run_s) return;
    throw UsageError(fmt::format(
        "--speed {:g}: the run would take {:.0f} s of real time, more than an hour; use --speed "
        "{:.3g} or more, or --clock virtual",
        options.speed, real_s, std::ceil(run_s / max_real_run_s * 1000) / 1000));
}

void write_trace_file(const std::string& path, const lessons::LessonRun& run,
                      const lessons::LessonText& text) {
    std::vector<TraceSection> sections;
    for (const auto& d : run.demos) {
        const lessons::DemoText* words = text.demo(d.spec->id);
        sections.push_back({fmt::format("{} {}", d.spec->id, words ? "— " + words->title : ""),
                            &d.trace, d.duration});
    }
    std::ofstream out(path);
    out << chrome_trace(sections).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
        << '\n';
    out.close();  // the last of it is written here, and a full disk only shows then
    // An I/O failure, not bad usage: exit 1.
    if (!out) throw std::runtime_error(fmt::format("--trace: cannot write {}", path));
}

}  // namespace

int run_command(const RunArgs& args, const Terminal& term) {
    const lessons::Lesson& lesson = require_lesson(args.lesson);
    const lessons::LessonText& text = lessons::lesson_text(lesson.number);
    check_demos(lesson, args.demos);
    lessons::Knobs knobs;
    try {
        knobs = lessons::parse_knobs(lesson, args.knobs);
    } catch (const lessons::KnobError& e) {
        throw UsageError(e.what());
    }
    const lessons::RunOptions options{.clock = args.clock,
                                      .speed = args.speed,
                                      .seed = args.seed,
                                      .only_demos = args.demos,
                                      .interrupt = &stop_requested()};
    if (options.clock == ClockMode::Real) check_real_duration(lesson, knobs, options);
    if (args.trace_file) {
        // Fail on a bad path now, not after the learner has watched the whole lesson.
        std::ofstream probe(*args.trace_file);
        if (!probe) throw UsageError(fmt::format("--trace: cannot write {}", *args.trace_file));
    }

    lessons::RunHooks hooks;
    if (!args.json) {
        fmt::print("{}", lesson_heading(lesson.number, text.title, term));
        fmt::print("{}\n", wrap_paragraphs(text.intro, term.width));
        const int total =
            static_cast<int>(args.demos.empty() ? lesson.demos.size() : args.demos.size());
        hooks.before_demo = [&, total, shown = 0](const lessons::DemoSpec& spec) mutable {
            const lessons::DemoText* words = text.demo(spec.id);
            fmt::print("{}", demo_heading(++shown, total, spec.id, words ? words->title : "", term));
            if (words != nullptr) {
                const std::string explain =
                    lessons::fill_prose(words->explain, lessons::prose_lookup(knobs, lesson));
                fmt::print("{}\n", wrap_paragraphs(explain, term.width, 2));
            }
        };
        hooks.on_event = [&](const TraceEvent& e, const Trace& trace) {
            const std::string line = live_line(e, trace, term);
            if (line.empty()) return;
            fmt::print("{}", line);
            std::fflush(stdout);
        };
        hooks.after_demo = [&](const lessons::DemoRun& demo) {
            fmt::print("{}", demo_result(read_trace(demo.trace, demo.duration), demo.interrupted,
                                         demo.error, demo.metrics, term));
            if (demo.interrupted || demo.error) return;
            // The takeaway speaks of this run's own figures, at whatever knobs were turned.
            if (const lessons::DemoText* words = text.demo(demo.spec->id)) {
                const std::string takeaway = lessons::fill_prose(
                    words->takeaway, lessons::prose_lookup(demo, knobs, lesson));
                fmt::print("{}\n", wrap_paragraphs(takeaway, term.width, 2));
            }
        };
    }
    const lessons::LessonRun run = lessons::run_lesson(lesson, knobs, options, hooks);

    if (run.interrupted && !args.json) {
        const bool in_demo = !run.demos.empty() && run.demos.back().interrupted;
        fmt::print("\n{}\n",
                   term.paint(in_demo ? "Interrupted: the tasks were cancelled; above is what "
                                        "happened so far."
                                      : "Interrupted before the next demo; above is what "
                                        "happened so far.",
                              Style::Warn));
    }
    if (args.json) {
        fmt::print("{}\n", json_report(run, text).dump(
                               2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
        // Standard output holds only the document: say it is a partial one where a person sees.
        if (run.interrupted) std::fputs("asynclab: interrupted; the report is partial\n", stderr);
    }
    // Recorded first: a trace that cannot be written does not undo the lesson the learner ran.
    if (!run.interrupted && !run.failed()) record_lesson_run(lesson.number);  // never fails the run
    if (args.trace_file) write_trace_file(*args.trace_file, run, text);
    if (run.interrupted) return stop_exit_code();
    return run.failed() ? exit_failed : exit_ok;
}

}  // namespace asynclab::cli

// `asynclab run N`: explain each demo, run it (streaming its output live on the real clock),
// then draw its timeline, its figures and its takeaway. Or, with --json, one JSON document.
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"
#include "run/chrome_trace.hpp"
#include "commands.hpp"
#include "run/json_report.hpp"
#include "progress/progress_store.hpp"
#include "run/summary.hpp"
#include "terminal/text_wrap.hpp"
#include "run/timeline.hpp"

namespace asynclab::cli {

namespace {

lessons::Knobs parse_knobs(const lessons::Lesson& lesson, const RunArgs& args) {
    for (const auto& [name, value] : args.knobs) {
        if (lesson.knob(name) != nullptr) continue;
        std::string valid;
        for (const auto& k : lesson.knobs) valid += (valid.empty() ? "--" : ", --") + k.name;
        throw UsageError(fmt::format("--{} is not a knob of lesson {} ({}); its knobs are {}", name,
                                     lesson.number, lesson.slug, valid));
    }
    try {
        return lessons::Knobs(lesson.knobs, args.knobs);
    } catch (const lessons::KnobError& e) {
        throw UsageError(e.what());
    }
}

void check_demos(const lessons::Lesson& lesson, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        if (lesson.demo(id) != nullptr) continue;
        std::string valid;
        for (const auto& d : lesson.demos) valid += (valid.empty() ? "" : ", ") + d.id;
        throw UsageError(
            fmt::format("lesson {} has no demo '{}'; its demos are {}", lesson.number, id, valid));
    }
}

/// One live line: "  0.500 s  w0          w0 handled 3".
void print_live(const TraceEvent& e, const Trace& trace, const Terminal& term) {
    if (e.type != EventType::Log) return;
    const TaskInfo* task = trace.task(e.task);
    const std::string who = task != nullptr ? task->name : "loop";
    const std::string time = fmt::format("{:>8.3f} s", to_secs(e.t));
    const bool own = e.channel == channel::output;
    const Style style = e.channel == channel::engine ? Style::Warn
                        : own                        ? Style::Plain
                                                     : Style::Dim;
    const std::string text = own ? e.detail : fmt::format("[{}] {}", e.channel, e.detail);
    fmt::print("{}  {}  {}\n", term.paint(time, Style::Dim),
               term.paint(fmt::format("{:<10}", who), Style::Accent), term.paint(text, style));
    std::fflush(stdout);
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
    out << chrome_trace(sections).dump() << '\n';
    out.close();  // the last of it is written here, and a full disk only shows then
    // An I/O failure, not bad usage: exit 1.
    if (!out) throw std::runtime_error(fmt::format("--trace: cannot write {}", path));
}

}  // namespace

int run_command(const RunArgs& args, const Terminal& term) {
    const lessons::Lesson& lesson = require_lesson(args.lesson);
    const lessons::LessonText& text = lessons::lesson_text(lesson.number);
    check_demos(lesson, args.demos);

    lessons::LessonRun run{
        .lesson = &lesson, .knobs = parse_knobs(lesson, args), .options = {}, .demos = {}};
    run.options.clock = args.clock == "virtual" ? ClockMode::Virtual : ClockMode::Real;
    run.options.speed = args.speed;
    run.options.seed = args.seed;
    run.options.only_demos = args.demos;
    if (args.trace_file) {
        // Fail on a bad path now, not after the learner has watched the whole lesson.
        std::ofstream probe(*args.trace_file);
        if (!probe) throw UsageError(fmt::format("--trace: cannot write {}", *args.trace_file));
    }

    bool interrupted = false;
    run.options.on_loop = [&interrupted](Loop& loop) {
        loop.on_signal(SIGINT, [&interrupted, &loop] {
            interrupted = true;
            loop.cancel_all();
        });
    };
    if (!args.json) {
        fmt::print("{}\n\n", term.paint(fmt::format("Lesson {} · {}", lesson.number, text.title),
                                        Style::Heading));
        fmt::print("{}\n", wrap_paragraphs(text.intro, term.width));
    }

    int shown = 0;
    const int total =
        static_cast<int>(args.demos.empty() ? lesson.demos.size() : args.demos.size());
    for (const lessons::DemoSpec& spec : lesson.demos) {
        if (!args.demos.empty() &&
            std::find(args.demos.begin(), args.demos.end(), spec.id) == args.demos.end())
            continue;
        const lessons::DemoText* words = text.demo(spec.id);
        if (!args.json) {
            const std::string rule = term.unicode ? "━━" : "==";
            fmt::print("{}\n", term.paint(fmt::format("{} {}/{} {} · {} {}", rule, ++shown, total,
                                                      spec.id, words ? words->title : "", rule),
                                          Style::Heading));
            if (words != nullptr)
                fmt::print("{}\n", wrap_paragraphs(words->explain, term.width, 2));
        }
        // Live output names tasks from the trace being recorded, which the run hands back at the
        // end.
        const Trace* recording = nullptr;
        lessons::RunOptions options = run.options;
        if (!args.json) {
            options.on_event = [&](const TraceEvent& e) { print_live(e, *recording, term); };
            options.on_loop = [&](Loop& loop) {
                recording = loop.trace();
                run.options.on_loop(loop);
            };
        }
        run.demos.push_back(lessons::run_demo(lesson, spec, run.knobs, options));
        lessons::DemoRun* current = &run.demos.back();
        current->interrupted = interrupted;
        if (!args.json) {
            fmt::print("\n{}", render_timeline(
                                   current->trace, current->duration,
                                   TimelineOptions{.terminal = &term, .unicode = term.unicode}));
            if (current->interrupted) {
                fmt::print(
                    "\n{}\n",
                    term.paint(
                        "Interrupted: the tasks were cancelled; above is what happened so far.",
                        Style::Warn));
            } else if (current->error) {
                // (A demo cancelled by Ctrl-C is reported above; any other failure is a bug.)
                fmt::print("\n{}\n", term.paint(fmt::format("The demo failed: {}", *current->error),
                                                Style::Bad));
            } else {
                fmt::print("\n{}\n", render_summary(current->metrics, term));
                if (words != nullptr)
                    fmt::print("{}\n", wrap_paragraphs(words->takeaway, term.width, 2));
            }
        }
        if (current->interrupted || interrupted) break;
    }

    if (args.json) fmt::print("{}\n", json_report(run, text).dump(2));
    // Recorded first: a trace that cannot be written does not undo the lesson the learner ran.
    if (!interrupted && !run.failed()) record_lesson_run(lesson.number);  // never fails the run
    if (args.trace_file) write_trace_file(*args.trace_file, run, text);
    if (interrupted) return exit_interrupted;
    return run.failed() ? exit_failed : exit_ok;
}

}  // namespace asynclab::cli

// `asynclab run N`: explain each demo, run it (streaming its output live on the real clock),
// then draw its timeline, its figures and its takeaway. Or, with --json, one JSON document.
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "progress/progress_store.hpp"
#include "run/chrome_trace.hpp"
#include "run/demo_page.hpp"
#include "run/json_report.hpp"
#include "terminal/text_wrap.hpp"

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
    if (!out) throw UsageError(fmt::format("--trace: cannot write {}", path));
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
        fmt::print("{}", lesson_heading(lesson.number, text.title, term));
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
            fmt::print("{}",
                       demo_heading(++shown, total, spec.id, words ? words->title : "", term));
            if (words != nullptr)
                fmt::print("{}\n", wrap_paragraphs(words->explain, term.width, 2));
        }
        // Live output names tasks from the trace being recorded, which the run hands back at the
        // end.
        const Trace* recording = nullptr;
        lessons::RunOptions options = run.options;
        if (!args.json) {
            options.on_event = [&](const TraceEvent& e) {
                const std::string line = live_line(e, *recording, term);
                if (line.empty()) return;
                fmt::print("{}", line);
                std::fflush(stdout);
            };
            options.on_loop = [&](Loop& loop) {
                recording = loop.trace();
                run.options.on_loop(loop);
            };
        }
        run.demos.push_back(lessons::run_demo(lesson, spec, run.knobs, options));
        lessons::DemoRun* current = &run.demos.back();
        current->interrupted = interrupted;
        if (!args.json) {
            fmt::print("{}",
                       demo_result(read_trace(current->trace, current->duration),
                                   current->interrupted, current->error, current->metrics, term));
            if (!current->interrupted && !current->error && words != nullptr)
                fmt::print("{}\n", wrap_paragraphs(words->takeaway, term.width, 2));
        }
        if (current->interrupted || interrupted) break;
    }

    if (args.json) {
        fmt::print("{}\n", json_report(run, text).dump(
                               2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    }
    if (args.trace_file) write_trace_file(*args.trace_file, run, text);
    if (!interrupted && !run.failed()) record_lesson_run(lesson.number);  // never fails the run
    if (interrupted) return exit_interrupted;
    return run.failed() ? exit_failed : exit_ok;
}

}  // namespace asynclab::cli

// `asynclab run N`: explain each demo, run it (streaming its output live on the real clock),
// then draw its timeline, its figures and its takeaway. Or, with --json, one JSON document.
#include <fmt/format.h>

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/prose_lookup.hpp"
#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "progress/progress_store.hpp"
#include "run/chrome_trace.hpp"
#include "run/demo_page.hpp"
#include "run/interrupt.hpp"
#include "run/json_report.hpp"
#include "run/json_writer.hpp"
#include "terminal/text.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

constexpr double max_real_run_s = 3600;

void check_demos(const lessons::Lesson& lesson, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        if (lesson.demo(id) != nullptr) continue;
        std::string valid;
        for (const auto& d : lesson.demos) valid += (valid.empty() ? "" : ", ") + d.id;
        throw UsageError(say("run.no_demo", fmt::arg("n", lesson.number), fmt::arg("id", id),
                             fmt::arg("valid", valid)));
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
    throw UsageError(say("run.too_slow", fmt::arg("speed", options.speed), fmt::arg("real", real_s),
                         fmt::arg("least", std::ceil(run_s / max_real_run_s * 1000) / 1000)));
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
    if (!out) throw std::runtime_error(say("run.trace_unwritable", fmt::arg("file", path)));
}

/// Standard input put in non-canonical mode without echo while the prompt waits, so one key
/// answers it; Ctrl-C still raises SIGINT (ISIG stays on). Restored however the wait ends.
class SingleKeys {
  public:
    SingleKeys() : active_(::tcgetattr(STDIN_FILENO, &saved_) == 0) {
        if (!active_) return;
        termios raw = saved_;
        raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    SingleKeys(const SingleKeys&) = delete;
    SingleKeys& operator=(const SingleKeys&) = delete;
    ~SingleKeys() {
        if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    }

  private:
    termios saved_{};
    bool active_ = false;
};

enum class Next { Demo, Stop };

/// "Enter: next demo · q: stop here", answered by one key. A stop signal ends the wait at once
/// (the read is polled, never blocked on): the runner then reports the run as interrupted. The
/// end of input stops as q does.
Next wait_for_next(const Terminal& term) {
    const std::string prompt = say("run.pause_prompt", fmt::arg("dot", term.unicode ? "·" : "-"));
    Next next = Next::Demo;
    {
        const SingleKeys keys;
        // Keys pressed while the demo ran were not an answer to this prompt.
        ::tcflush(STDIN_FILENO, TCIFLUSH);
        fmt::print("{}", term.paint(prompt, Style::Dim));
        std::fflush(stdout);
        for (;;) {
            if (stop_requested().load(std::memory_order_relaxed)) break;
            pollfd in{STDIN_FILENO, POLLIN, 0};
            if (::poll(&in, 1, 100) <= 0) continue;  // a timeout, or EINTR from the signal
            char key = 0;
            const ssize_t n = ::read(STDIN_FILENO, &key, 1);
            if (n < 0 && errno == EINTR) continue;
            // The end of input, or a terminal gone: nobody is left to press Enter.
            if (n <= 0 || key == 'q' || key == 'Q' || key == '\x04') {
                next = Next::Stop;
                break;
            }
            if (key == '\n' || key == '\r') break;
        }
    }
    // The prompt is gone once answered: what follows reads as one page.
    fmt::print("\r{:{}}\r", "", display_width(prompt));
    std::fflush(stdout);
    return next;
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
        if (!probe)
            throw UsageError(say("run.trace_unwritable", fmt::arg("file", *args.trace_file)));
    }

    const std::vector<const lessons::DemoSpec*> chosen = lessons::chosen_demos(lesson, args.demos);
    // Only a person at a terminal is asked: a pipe, a file or a script never waits.
    const bool pause =
        !args.json && !args.no_pause && ::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1;
    lessons::RunHooks hooks;
    if (!args.json) {
        fmt::print("{}", lesson_heading(lesson.number, text.title, term));
        fmt::print("{}\n", wrap_paragraphs(text.intro, term.width));
        const int total = static_cast<int>(chosen.size());
        hooks.before_demo = [&, total, shown = 0](const lessons::DemoSpec& spec) mutable {
            const lessons::DemoText* words = text.demo(spec.id);
            fmt::print("{}",
                       demo_heading(++shown, total, spec.id, words ? words->title : "", term));
            fmt::print("{}", twin_line(lesson.number, spec.id, term));
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
            // What to look for, again, where the learner's eyes are: just above the timeline.
            const lessons::DemoText* words = text.demo(demo.spec->id);
            const std::string watch =
                words != nullptr
                    ? lessons::fill_prose(words->watch, lessons::prose_lookup(knobs, lesson))
                    : "";
            fmt::print("{}", demo_result(read_trace(demo.trace, demo.duration), demo.interrupted,
                                         demo.error, demo.metrics, term, watch));
            if (demo.interrupted || demo.error) return;
            // The takeaway speaks of this run's own figures, at whatever knobs were turned.
            if (words != nullptr) {
                const std::string takeaway = lessons::fill_prose(
                    words->takeaway, lessons::prose_lookup(demo, knobs, lesson));
                fmt::print("{}\n", wrap_paragraphs(takeaway, term.width, 2));
            }
        };
    }
    // One demo at a time through the runner, so that the learner can stop between two. Each demo
    // runs on a fresh loop from the same seed either way: the run is the same as one call.
    lessons::LessonRun run{.lesson = &lesson, .knobs = knobs, .options = options, .demos = {}};
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        lessons::RunOptions one = options;
        one.only_demos = {chosen[i]->id};
        lessons::LessonRun part = lessons::run_lesson(lesson, knobs, one, hooks);
        for (lessons::DemoRun& d : part.demos) run.demos.push_back(std::move(d));
        if (part.interrupted) {
            run.interrupted = true;
            break;
        }
        if (pause && i + 1 < chosen.size() && wait_for_next(term) == Next::Stop) break;
    }

    if (run.interrupted && !args.json) {
        const bool in_demo = !run.demos.empty() && run.demos.back().interrupted;
        fmt::print("\n{}\n", term.paint(tr(in_demo ? "run.interrupted" : "run.interrupted_between"),
                                        Style::Warn));
    }
    if (args.json) {
        JsonWriter out(stdout);
        json_report(out, run, text);
        out.finish();
        fmt::print("\n");
        // Standard output holds only the document: say it is a partial one where a person sees.
        if (run.interrupted) std::fprintf(stderr, "asynclab: %s\n", tr("run.json_partial").c_str());
    }
    // Recorded first: a trace that cannot be written does not undo the lesson the learner ran.
    if (!run.interrupted && !run.failed()) record_lesson_run(lesson.number);  // never fails the run
    if (args.trace_file) write_trace_file(*args.trace_file, run, text);
    if (run.interrupted) return stop_exit_code();
    return run.failed() ? exit_failed : exit_ok;
}

}  // namespace asynclab::cli

// `asynclab check NAME [FILE]`: runs the exercise's scenarios on the learner's file, prints each
// check as passed or failed, draws the learner's own timeline for the first scenario that failed,
// and records the result.
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "commands.hpp"
#include "exercise/check_run.hpp"
#include "progress/progress_store.hpp"
#include "run/interrupt.hpp"
#include "terminal/text_wrap.hpp"
#include "trace/trace_page.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

namespace fs = std::filesystem;

std::string mark(const CheckVerdict& v, const Terminal& term) {
    if (v.passed) return term.paint(term.unicode ? "✓" : "+", Style::Good);
    if (!v.reached) return term.paint(term.unicode ? "·" : "-", Style::Dim);
    return term.paint(term.unicode ? "✗" : "x", Style::Bad);
}

std::string stop_text(const ScenarioRun& run) {
    switch (run.stop) {
        case ScenarioRun::Stop::Finished:
            return {};
        case ScenarioRun::Stop::Hang:
            return tr("check.stop.hang");
        case ScenarioRun::Stop::TooLong:
            return say("check.stop.too_long", fmt::arg("s", to_secs(run.run.end)));
        case ScenarioRun::Stop::Raised:
            if (run.error_file.empty())
                return say("check.stop.raised_inside", fmt::arg("error", run.run.error));
            return say(
                "check.stop.raised", fmt::arg("error", run.run.error),
                fmt::arg("site", fmt::format("{}:{}", fs::path(run.error_file).filename().string(),
                                             run.error_line)));
        case ScenarioRun::Stop::NotCoroutine:
            return run.not_coroutine.empty()
                       ? tr("check.stop.not_awaitable")
                       : say("check.stop.not_coroutine", fmt::arg("type", run.not_coroutine));
        case ScenarioRun::Stop::Missing:
            return say("check.stop.missing", fmt::arg("name", run.missing));
    }
    return {};
}

std::string_view stop_name(const ScenarioRun* run) {
    if (run == nullptr) return "not-run";
    switch (run->stop) {
        case ScenarioRun::Stop::Finished:
            return "finished";
        case ScenarioRun::Stop::Hang:
            return "hang";
        case ScenarioRun::Stop::TooLong:
            return "too-long";
        case ScenarioRun::Stop::Raised:
            return "raised";
        case ScenarioRun::Stop::NotCoroutine:
            return "not-coroutine";
        case ScenarioRun::Stop::Missing:
            return "missing";
    }
    return "?";
}

/// Why no scenario ran, or the checks did not all run: the file, the limit, the interpreter.
std::string run_problem(const CheckReport& report, const CheckArgs& args) {
    switch (report.recording.outcome) {
        case Outcome::Exception:
            return say("check.load_failed", fmt::arg("error", report.recording.error));
        case Outcome::TimedOut:
            return say("check.timed_out", fmt::arg("s", args.timeout_s));
        case Outcome::Killed:
            return say("trace.outcome.killed", fmt::arg("signal", report.recording.exit_code));
        case Outcome::Exited:
            return say("trace.outcome.exited", fmt::arg("code", report.recording.exit_code));
        case Outcome::RealIo:
            return say("check.real_io", fmt::arg("call", report.recording.real_io));
        default:
            return {};
    }
}

void print_page(const CheckReport& report, const CheckArgs& args, const Terminal& term) {
    const Exercise& e = *report.exercise;
    const int width = std::max(40, term.width);
    // Every line wrapped to the terminal; painted after wrapping (colour takes no columns).
    const auto wrapped = [width](std::string_view text, int indent = 0) {
        return wrap_paragraphs(text, width, indent);
    };
    fmt::print("{}{}\n",
               term.paint(wrapped(say("check.heading", fmt::arg("name", e.name),
                                      fmt::arg("title", e.title))),
                          Style::Heading),
               term.paint(report.file, Style::Dim));
    for (const ScenarioVerdict& s : report.scenarios) {
        if (s.run == nullptr) continue;
        fmt::print("{}", term.paint(wrapped(s.scenario->title), Style::Bold));
        if (const std::string stop = stop_text(*s.run); !stop.empty())
            fmt::print("{}", term.paint(wrap_paragraphs(stop, width, 2), Style::Warn));
        for (const CheckVerdict& v : s.checks) {
            const std::string title =
                v.reached || v.passed ? v.check->title
                                      : say("check.not_reached", fmt::arg("title", v.check->title));
            fmt::print("{}", wrap_marked(fmt::format("  {} ", mark(v, term)), 4, title, width, 4));
            if (!v.passed && v.reached)
                fmt::print("{}", term.paint(wrap_paragraphs(v.message, width, 4), Style::Bad));
        }
    }
    if (const std::string problem = run_problem(report, args); !problem.empty())
        fmt::print("{}", term.paint(wrap_paragraphs(problem, width), Style::Bad));

    if (const ScenarioVerdict* failed = report.first_failure();
        failed != nullptr && failed->run != nullptr && !failed->run->run.trace.tasks().empty()) {
        fmt::print("\n{}", term.paint(wrapped(say("check.timeline",
                                                  fmt::arg("scenario", failed->scenario->title))),
                                      Style::Heading));
        std::string drawn = trace_result(failed->run->run, term, /*in_exercise=*/true);
        while (drawn.ends_with("\n\n")) drawn.pop_back();
        fmt::print("{}", drawn);
    }
    fmt::print("\n");
    const std::size_t passed = report.passed_count();
    const std::size_t total = report.check_count();
    if (report.passed()) {
        fmt::print("{}", term.paint(wrapped(say("check.all_passed", fmt::arg("n", total),
                                                fmt::arg("name", e.name))),
                                    Style::Good));
    } else {
        fmt::print("{}",
                   term.paint(wrapped(say("check.some_failed", fmt::arg("passed", passed),
                                          fmt::arg("total", total), fmt::arg("name", e.name))),
                              Style::Bad));
    }
}

nlohmann::ordered_json report_json(const CheckReport& report) {
    nlohmann::ordered_json scenarios = nlohmann::ordered_json::array();
    for (const ScenarioVerdict& s : report.scenarios) {
        nlohmann::ordered_json checks = nlohmann::ordered_json::array();
        for (const CheckVerdict& v : s.checks) {
            checks.push_back(
                {{"id", v.check->id},
                 {"title", v.check->title},
                 {"passed", v.passed},
                 {"reached", v.reached},
                 {"message", v.passed || !v.reached ? nlohmann::ordered_json(nullptr)
                                                    : nlohmann::ordered_json(v.message)}});
        }
        nlohmann::ordered_json error = nullptr;
        if (s.run != nullptr && s.run->stop != ScenarioRun::Stop::Finished)
            error = stop_text(*s.run);
        scenarios.push_back({{"id", s.scenario->id},
                             {"title", s.scenario->title},
                             {"passed", s.passed()},
                             {"stop", stop_name(s.run)},
                             {"error", error},
                             {"checks", std::move(checks)}});
    }
    return {{"exercise", report.exercise->name},
            {"file", report.file},
            {"passed", report.passed()},
            {"outcome", to_string(report.recording.outcome)},
            {"checks_passed", report.passed_count()},
            {"checks_total", report.check_count()},
            {"scenarios", std::move(scenarios)}};
}

}  // namespace

int check_command(const CheckArgs& args, const Terminal& term) {
    const Exercise& e = require_exercise(args.exercise);
    const std::string file = args.file.value_or(solution_file_name(e));
    {
        std::error_code ec;
        if (!fs::exists(file, ec)) {
            if (!args.file)
                throw UsageError(
                    say("check.no_default_file", fmt::arg("file", file), fmt::arg("name", e.name)));
            throw UsageError(say("check.no_file", fmt::arg("file", file)));
        }
        std::ifstream probe(file);
        if (!probe || fs::is_directory(file, ec))
            throw UsageError(say("check.no_file", fmt::arg("file", file)));
    }
    const std::optional<std::string> python = find_python();
    if (!python) throw std::runtime_error(say("trace.no_python", fmt::arg("command", "check")));

    const CheckReport report =
        check_solution(e, file,
                       {.python = *python,
                        .timeout = secs(args.timeout_s),
                        .memory_mb = 2048,
                        // The learner's prints are recorded as their lines; stray writes to the
                        // real stdout (os.write) must not spoil --json.
                        .stdout_fd = args.json ? STDERR_FILENO : -1,
                        .interrupt = &stop_requested()});
    const Recording& r = report.recording;
    if (r.outcome == Outcome::NoRecorder)
        throw std::runtime_error(
            say("trace.no_recorder", fmt::arg("python", *python), fmt::arg("command", "check")));
    if (r.outcome == Outcome::OldPython)
        throw std::runtime_error(say("trace.old_python", fmt::arg("command", "check"),
                                     fmt::arg("python", *python),
                                     fmt::arg("version", r.python_version)));
    if (r.outcome == Outcome::Interrupted) return stop_exit_code();

    if (args.json) {
        fmt::print("{}\n", report_json(report).dump(2, ' ', false,
                                                    nlohmann::json::error_handler_t::replace));
    } else {
        print_page(report, args, term);
    }
    const bool passed = report.passed();
    // What is saved now, read once: the next exercise to do, or the next hint tier.
    Progress progress;
    ProgressStore::from_environment().update([&](Progress& p) {
        p.record_check(e.name, passed, utc_now());
        progress = p;
    });
    if (args.json) return passed ? exit_ok : exit_failed;
    const int width = std::max(40, term.width);
    if (passed) {
        for (const Exercise& next : exercises()) {
            if (progress.of_exercise(next.name).passed) continue;
            fmt::print("{}", wrap_paragraphs(say("check.next", fmt::arg("name", next.name),
                                                 fmt::arg("title", next.title)),
                                             width));
            break;
        }
    } else {
        const int seen = progress.of_exercise(e.name).hints;
        fmt::print("{}", wrap_paragraphs(seen < static_cast<int>(e.hints.size())
                                             ? say("check.hint_next", fmt::arg("name", e.name),
                                                   fmt::arg("tier", seen + 1),
                                                   fmt::arg("tiers", e.hints.size()))
                                             : say("check.hints_seen", fmt::arg("name", e.name)),
                                         width));
    }
    return passed ? exit_ok : exit_failed;
}

}  // namespace asynclab::cli

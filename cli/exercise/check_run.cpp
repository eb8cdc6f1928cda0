#include "exercise/check_run.hpp"

#include <fmt/args.h>
#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "asynclab/lessons/language.hpp"

namespace asynclab::cli {

namespace {

/// The check's `fail` words with checks.py's figures in their braces, each as its type (so
/// `{took:g}` formats a number). Words naming a figure the check did not send are shown as written
/// rather than not at all.
std::string fill(const std::string& words, const nlohmann::json& figures) {
    fmt::dynamic_format_arg_store<fmt::format_context> args;
    std::deque<std::string> kept;  // the store refers to names and texts
    if (figures.is_object()) {
        // A figure checks.py words per language ("calls_zh") stands for the plain one ("calls")
        // in that language.
        const std::string suffix = fmt::format("_{}", lessons::current_language().code);
        for (const auto& [key, value] : figures.items()) {
            if (!key.ends_with(suffix) && figures.contains(key + suffix)) continue;
            const std::string name =
                key.ends_with(suffix) ? key.substr(0, key.size() - suffix.size()) : key;
            const char* n = kept.emplace_back(name).c_str();
            if (value.is_number_integer()) {
                args.push_back(fmt::arg(n, value.get<std::int64_t>()));
            } else if (value.is_number()) {
                args.push_back(fmt::arg(n, value.get<double>()));
            } else if (value.is_string()) {
                args.push_back(
                    fmt::arg(n, std::string_view(kept.emplace_back(value.get<std::string>()))));
            } else {
                args.push_back(
                    fmt::arg(n, std::string_view(kept.emplace_back(value.dump(
                                    -1, ' ', false, nlohmann::json::error_handler_t::replace)))));
            }
        }
    }
    try {
        return fmt::vformat(words, args);
    } catch (const fmt::format_error&) {
        return words;
    }
}

}  // namespace

bool ScenarioVerdict::passed() const {
    return std::all_of(checks.begin(), checks.end(),
                       [](const CheckVerdict& c) { return c.passed; });
}

bool CheckReport::passed() const {
    return !scenarios.empty() && recording.outcome == Outcome::Ok &&
           std::all_of(scenarios.begin(), scenarios.end(),
                       [](const ScenarioVerdict& s) { return s.passed(); });
}

std::size_t CheckReport::passed_count() const {
    std::size_t n = 0;
    for (const ScenarioVerdict& s : scenarios)
        n += static_cast<std::size_t>(std::count_if(
            s.checks.begin(), s.checks.end(), [](const CheckVerdict& c) { return c.passed; }));
    return n;
}

std::size_t CheckReport::check_count() const {
    return exercise->check_count();
}

const ScenarioVerdict* CheckReport::first_failure() const {
    for (const ScenarioVerdict& s : scenarios) {
        if (!s.passed()) return &s;
    }
    return nullptr;
}

CheckReport check_solution(const Exercise& exercise, const std::string& file,
                           const CheckOptions& options) {
    CheckReport report;
    report.exercise = &exercise;
    report.file = file;
    const RecorderOptions recorder{
        .python = options.python,
        .program = file,
        .args = {},
        .clock = ClockMode::Virtual,
        .timeout = options.timeout,
        .memory_mb = options.memory_mb,
        .stdout_fd = options.stdout_fd,
        .modules = {{"asynclab_exercise", embedded_python("exercise_kit.py")},
                    {"asynclab_checks", exercise.checks}},
        .interrupt = options.interrupt};
    report.recording = record_program(recorder);
    for (const ExerciseScenario& scenario : exercise.scenarios) {
        ScenarioVerdict verdict{.scenario = &scenario, .checks = {}, .run = nullptr};
        for (const ScenarioRun& run : report.recording.scenarios) {
            if (run.id == scenario.id) verdict.run = &run;
        }
        for (const ExerciseCheck& check : scenario.checks) {
            CheckVerdict v{.check = &check, .passed = false, .reached = false, .message = {}};
            if (verdict.run != nullptr) {
                // A check sent twice (in a loop over cases) counts as passed only if every time
                // was.
                for (const CheckResult& result : verdict.run->checks) {
                    if (result.id != check.id) continue;
                    if (!v.reached || v.passed) {
                        v.passed = result.passed;
                        if (!result.passed) v.message = fill(check.fail, result.figures);
                    }
                    v.reached = true;
                }
            }
            verdict.checks.push_back(std::move(v));
        }
        report.scenarios.push_back(std::move(verdict));
    }
    return report;
}

}  // namespace asynclab::cli

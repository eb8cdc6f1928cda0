#pragma once
// `asynclab check NAME FILE`: the exercise's checks.py run on the learner's file under the recorder
// (the virtual clock, a process of its own), and each check's verdict in words.

#include <atomic>
#include <string>
#include <vector>

#include "exercise/exercise.hpp"
#include "trace/recording.hpp"

namespace asynclab::cli {

struct CheckVerdict {
    const ExerciseCheck* check = nullptr;
    bool passed = false;
    bool reached = false;  ///< False: its scenario stopped before checks.py got to it.
    std::string message;   ///< Failed and reached: its `fail` words, filled with the figures.
};

struct ScenarioVerdict {
    const ExerciseScenario* scenario = nullptr;
    std::vector<CheckVerdict> checks;
    /// What the learner's code did in it (none when the file could not even be loaded).
    const ScenarioRun* run = nullptr;
    [[nodiscard]] bool passed() const;
};

struct CheckReport {
    const Exercise* exercise = nullptr;
    std::string file;
    Recording recording;  ///< The whole run; the scenarios' own are in recording.scenarios.
    std::vector<ScenarioVerdict> scenarios;
    [[nodiscard]] bool passed() const;
    [[nodiscard]] std::size_t passed_count() const;
    [[nodiscard]] std::size_t check_count() const;
    /// The first scenario that did not pass, or nullptr.
    [[nodiscard]] const ScenarioVerdict* first_failure() const;
};

struct CheckOptions {
    std::string python;
    Duration timeout = std::chrono::seconds(20);
    std::uint64_t memory_mb = 2048;
    int stdout_fd = -1;  ///< Where the learner's prints go (-1: ours).
    const std::atomic<bool>* interrupt = nullptr;
};

[[nodiscard]] CheckReport check_solution(const Exercise& exercise, const std::string& file,
                                         const CheckOptions& options);

}  // namespace asynclab::cli

#pragma once
// The exercises (`asynclab exercise`, `check`, `hint`): each a folder of
// lesson_data/exercises/NAME/ holding its starter (starter.py), its checks (checks.py, written with
// cli/exercise/exercise_kit.py), its structure and English words (exercise.toml) and each other
// language's words (zh.toml).

#include <string>
#include <string_view>
#include <vector>

namespace asynclab::cli {

struct ExerciseCheck {
    std::string id;
    std::string title;  ///< What it checks, as a line of the report.
    std::string fail;   ///< Why it failed, with the figures checks.py sends ({calls}, {got}...).
};

struct ExerciseScenario {
    std::string id;
    std::string title;
    std::vector<ExerciseCheck> checks;
};

struct Exercise {
    std::string name;
    int lesson = 0;  ///< The lesson that teaches what it practises.
    std::string title;
    std::string summary;             ///< One line, for the list.
    std::string task;                ///< What to write: the starter's contract.
    std::vector<std::string> hints;  ///< Tiers: a nudge, then the idea, then the shape of the code.
    std::vector<ExerciseScenario> scenarios;
    std::string_view starter;  ///< starter.py, as the learner starts it (after the contract).
    std::string_view checks;   ///< checks.py.

    [[nodiscard]] std::size_t check_count() const;
};

/// Every exercise, in the learner's language, in the order to do them (by lesson, then name).
/// Throws lessons::TextError naming the file and line when one is malformed.
[[nodiscard]] const std::vector<Exercise>& exercises();

/// The exercise called `name`, or UsageError naming the valid ones.
[[nodiscard]] const Exercise& require_exercise(std::string_view name);

/// The starter file `exercise start` writes: the contract as comments (the task, what `check`
/// checks, how to get a hint), then starter.py.
[[nodiscard]] std::string starter_file(const Exercise& exercise);

/// The file a learner's solution is looked for by default: "NAME.py".
[[nodiscard]] std::string solution_file_name(const Exercise& exercise);

}  // namespace asynclab::cli

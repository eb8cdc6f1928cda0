#pragma once
// Progress as the learner sees it: in `asynclab list` (one status per lesson), in `asynclab
// progress` (a table), in JSON, and which lesson comes next.

#include <nlohmann/json.hpp>

#include <string>

#include "progress/progress.hpp"
#include "terminal/terminal.hpp"

namespace asynclab::cli {

/// The first lesson not passed yet, or 0 when all are.
[[nodiscard]] int next_lesson(const Progress& progress);

struct Status {
    std::string text;  ///< A few words for `list`: "✓ passed", "quiz 57%", "ran 2×", "new".
    Style style;
};
[[nodiscard]] Status lesson_status(const LessonProgress& p, const Terminal& term);

/// What to do next: "Next: asynclab quiz 2 (its lesson: asynclab run 2)."
[[nodiscard]] std::string next_step(const Progress& progress);

[[nodiscard]] nlohmann::ordered_json lesson_progress_json(const LessonProgress& p);

[[nodiscard]] nlohmann::ordered_json exercise_progress_json(const ExerciseProgress& p);
/// Every exercise with the learner's progress on it, for `progress --json`.
[[nodiscard]] nlohmann::ordered_json exercises_json(const Progress& progress);
/// "Exercises: 2 of 10 passed (cache, breaker); `asynclab exercise` lists them."
[[nodiscard]] std::string exercises_line(const Progress& progress);

}  // namespace asynclab::cli

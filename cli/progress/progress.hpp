#pragma once
// What a learner has done, lesson by lesson (SPEC section 7): runs, quiz attempts, best score,
// passed. And its JSON form, a versioned document, so a file written by something else (or by a
// newer asynclab) is recognised as such instead of being misread.

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace asynclab::cli {

inline constexpr const char* progress_format = "asynclab-progress";
inline constexpr int progress_version = 1;

/// The most a count (runs, attempts, a score's right and total) goes to: it stops there, and a
/// file holding more is read as this much, so a count never outgrows what the reader accepts.
inline constexpr int max_count = 1'000'000'000;

struct Score {
    int right = 0;
    int total = 0;
    /// Rounded half up: 5 of 6 is 83%, 2 of 3 is 67%.
    [[nodiscard]] int percent() const {
        return total == 0 ? 0 : (right * 200 + total) / (2 * total);
    }
    /// Compares by fraction right, so a best score survives a quiz that gained a question.
    [[nodiscard]] bool better_than(const Score& other) const {
        return static_cast<long long>(right) * other.total >
               static_cast<long long>(other.right) * total;
    }
};

struct LessonProgress {
    int runs = 0;
    int quiz_attempts = 0;
    std::optional<Score> best;
    bool passed = false;
    std::string last_run;  ///< UTC, ISO 8601; empty: never.
    std::string last_quiz;
};

/// An exercise (`asynclab check NAME`): how often it was checked, whether it ever passed, and how
/// many hint tiers the learner has seen.
struct ExerciseProgress {
    int checks = 0;
    bool passed = false;
    int hints = 0;
    std::string last_check;  ///< UTC, ISO 8601; empty: never.
};

struct Progress {
    std::map<int, LessonProgress> lessons;  ///< By lesson number; absent: nothing done yet.
    /// By exercise name; absent: never checked, no hint seen.
    std::map<std::string, ExerciseProgress> exercises;

    [[nodiscard]] LessonProgress of(int lesson) const;
    [[nodiscard]] ExerciseProgress of_exercise(const std::string& name) const;
    void record_run(int lesson, const std::string& when);
    void record_quiz(int lesson, Score score, bool passed, const std::string& when);
    void record_check(const std::string& exercise, bool passed, const std::string& when);
    /// One more hint tier seen, up to `tiers`; the tier to show now (1-based).
    int record_hint(const std::string& exercise, int tiers);
};

/// The file is not a progress document we can use; the message says why, in a few words.
class ProgressFormatError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The file is a progress document from a newer asynclab: leave it alone.
class ProgressTooNew : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

nlohmann::ordered_json progress_to_json(const Progress& progress);
/// Throws ProgressFormatError or ProgressTooNew.
Progress progress_from_json(const nlohmann::json& doc);

/// Now, as the timestamps in the file are written.
std::string utc_now();

}  // namespace asynclab::cli

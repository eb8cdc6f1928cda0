#pragma once
// A quiz on one lesson: its questions in file order, each predict question's knobs drawn from the
// quiz's seeded generator and its right answer computed by running the lesson's demo under the
// virtual clock (so the answer cannot drift from what the engine does). Plus reading answers as a
// learner types them and grading them.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"
#include "progress/progress.hpp"

namespace asynclab::cli {

/// Pass mark: at least this share of the questions right.
inline constexpr int pass_percent = 80;
/// The seed of every demo run that computes an answer: `asynclab run`'s default, so the check
/// command shown to the learner reproduces the figure without a --seed.
inline constexpr std::uint64_t answer_run_seed = 42;

/// The quiz cannot be set (a demo missing from this build, a bad knob draw in lesson_data).
class QuizError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// How a question is answered.
enum class AnswerKind : std::uint8_t {
    Letters,   ///< One or several of the choices.
    Number,    ///< A figure, in the question's unit.
    Sequence,  ///< An order: "C, A, B".
    Word,      ///< One word or yes/no: "w1", "closed", "yes".
};

struct QuizQuestion {
    const lessons::Question* source = nullptr;
    AnswerKind kind = AnswerKind::Letters;
    std::string prompt;   ///< With the drawn knob values in place of {knob}.
    std::string explain;  ///< With the drawn knobs and, for a prediction, the run's figures.
    std::vector<std::string> choices;  ///< As shown: in this attempt's shuffled order.
    std::vector<int> right;            ///< Letters: indices into `choices`, sorted.
    // Predict questions only:
    std::vector<std::pair<std::string, std::string>> drawn;  ///< Knob name and value text.
    double right_value = 0;                                  ///< Number.
    std::vector<std::string> right_words;                    ///< Sequence, in order; Word, one.
    std::string check_command;  ///< The `asynclab run` that prints the same figure.

    [[nodiscard]] bool predict() const { return source->predict.has_value(); }
    [[nodiscard]] bool several() const { return right.size() > 1; }
    [[nodiscard]] std::size_t choice_count() const { return choices.size(); }
    [[nodiscard]] std::string unit() const {
        return kind == AnswerKind::Number ? source->predict->unit : "";
    }
};

struct Quiz {
    const lessons::Lesson* lesson = nullptr;
    const lessons::LessonText* text = nullptr;
    std::uint64_t seed = 0;
    std::vector<QuizQuestion> questions;

    /// Right answers needed to pass.
    [[nodiscard]] int pass_mark() const;
};

/// Sets lesson's quiz for `seed`. Throws QuizError.
Quiz make_quiz(const lessons::Lesson& lesson, const lessons::LessonText& text, std::uint64_t seed);

struct Answer {
    std::vector<int> letters;        ///< Choice indices, sorted, no repeats.
    double number = 0;               ///< In the question's unit.
    std::vector<std::string> words;  ///< Sequence and Word answers, as typed, trimmed.
};

/// Reads one typed answer to `q`. nullopt with `problem` set when it cannot be read (the learner
/// is asked again). Choices: "b", "a,c", "ac", "a+c", "A C". Numbers: "0.3", "0.3 s", "300ms".
/// Orders: "C, A, B", "C A B", "CAB". Words: "w1", "Closed", "y".
std::optional<Answer> read_answer(const QuizQuestion& q, std::string_view typed,
                                  std::string& problem);

/// Reads --answers: one entry per question, comma-separated ("b,a+c,0.3"). Throws UsageError.
std::vector<Answer> read_answer_list(const Quiz& quiz, std::string_view list);

[[nodiscard]] bool is_right(const QuizQuestion& q, const Answer& a);
/// Whether two words are the same answer: case aside, and y/true/是 read as yes.
[[nodiscard]] bool same_word(std::string_view a, std::string_view b);
/// The items of an order question, sorted: what to list, without giving the order away.
[[nodiscard]] std::string order_example(const QuizQuestion& q);
/// The answer as the learner would type it: "a+c", "0.06 s".
[[nodiscard]] std::string answer_text(const QuizQuestion& q, const Answer& a);
[[nodiscard]] std::string right_answer_text(const QuizQuestion& q);
[[nodiscard]] std::string format_number(double value);

[[nodiscard]] Score grade(const Quiz& quiz, const std::vector<Answer>& answers);
[[nodiscard]] bool passed(const Quiz& quiz, const Score& score);

}  // namespace asynclab::cli

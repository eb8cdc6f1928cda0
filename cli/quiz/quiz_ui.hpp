#pragma once
// How a quiz looks: asked one question at a time with feedback after each answer (a terminal, or
// answers on a pipe), or reported in one go for --answers, or as JSON.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <optional>
#include <vector>

#include "progress/progress.hpp"
#include "quiz/quiz.hpp"
#include "terminal/terminal.hpp"

namespace asynclab::cli {

/// Heading and the rules of the game: how many questions, the pass mark, how to answer.
void print_quiz_intro(const Quiz& quiz, const Terminal& term, bool interactive);

/// Asks every question, reading one line per answer from `in` and asking again when a line cannot
/// be read. `echo`: print what was read (input not typed on this terminal). nullopt: the input
/// ended or the learner quit; `reached` is then the question it stopped at.
std::optional<std::vector<Answer>> ask_questions(const Quiz& quiz, const Terminal& term,
                                                 std::FILE* in, bool echo, int& reached);

/// For --answers: each question's verdict, with the right answer and why for those missed.
void print_answer_report(const Quiz& quiz, const std::vector<Answer>& answers,
                         const Terminal& term);

/// The score, whether it passes, the best so far (`saved`: the progress after recording, if saved)
/// and what to do next.
void print_score(const Quiz& quiz, const Score& score, const std::optional<LessonProgress>& saved,
                 const Terminal& term);

nlohmann::ordered_json quiz_json(const Quiz& quiz, const std::vector<Answer>& answers,
                                 const Score& score, const std::optional<LessonProgress>& saved);

}  // namespace asynclab::cli

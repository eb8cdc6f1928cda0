#pragma once
// Quizzes as the tests need them: which lessons can be quizzed in this build, well-formed but
// wrong answers, and the right answers for a seed, read from `quiz --json` itself.

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"
#include "quiz/quiz.hpp"
#include "quiz_spawn.hpp"

namespace asynclab::testing {

using nlohmann::json;

/// Every lesson's number: each has a quiz, and tests go through them all.
inline std::vector<int> all_lesson_numbers() {
    std::vector<int> out;
    for (const asynclab::lessons::Lesson* l : asynclab::lessons::all_lessons()) {
        out.push_back(l->number);
    }
    return out;
}

/// Well-formed answers to the quiz `seed` sets, mostly wrong: "a" for a choice, -1 for a number,
/// an order reversed, "x" for a word.
inline std::string placeholder_answers(int lesson, std::uint64_t seed) {
    using asynclab::cli::AnswerKind;
    const asynclab::cli::Quiz quiz = asynclab::cli::make_quiz(
        *asynclab::lessons::find_lesson(lesson), asynclab::lessons::lesson_text(lesson), seed);
    std::string out;
    for (const auto& q : quiz.questions) {
        out += out.empty() ? "" : ",";
        switch (q.kind) {
            case AnswerKind::Letters:
                out += "a";
                break;
            case AnswerKind::Number:
                out += "-1";
                break;
            case AnswerKind::Sequence:
                for (auto w = q.right_words.rbegin(); w != q.right_words.rend(); ++w)
                    out += (w == q.right_words.rbegin() ? "" : ">") + *w;
                break;
            case AnswerKind::Word:
                out += "x";
                break;
        }
    }
    return out;
}

/// The quiz for `seed` as JSON, with its right answers (taken in a home of its own).
inline json quiz_for(int lesson, std::uint64_t seed) {
    const TempHome home;
    const SpawnResult r = launch({"quiz", std::to_string(lesson), "--seed", std::to_string(seed),
                                  "--json", "--answers", placeholder_answers(lesson, seed)},
                                 {home.env()});
    REQUIRE_MESSAGE(r.exit_code == 1, r.err);
    return json::parse(r.out);
}

inline std::string right_answers(const json& quiz) {
    std::string out;
    for (const auto& q : quiz["questions"]) {
        out += out.empty() ? "" : ",";
        if (q["kind"] == "predict") {
            out += q["right"].dump();
            continue;
        }
        // Letters part with '+', an order's items with '>', since commas part the answers.
        const char* sep = q["kind"] == "order" ? ">" : "+";
        std::string parts;
        for (const auto& l : q["right"]) parts += (parts.empty() ? "" : sep) + l.get<std::string>();
        out += parts;
    }
    return out;
}

/// The right answers as typed interactively (letters "a,c", numbers with their unit).
inline std::vector<std::string> typed_right_answers(const json& quiz) {
    std::vector<std::string> out;
    for (const auto& q : quiz["questions"]) {
        if (q["kind"] == "predict") {
            out.push_back(q["right"].dump() + " " + q["unit"].get<std::string>());
            continue;
        }
        std::string parts;
        for (const auto& l : q["right"])
            parts += (parts.empty() ? "" : ", ") + l.get<std::string>();
        out.push_back(parts);
    }
    return out;
}

}  // namespace asynclab::testing

// `asynclab quiz [N]`: choose the lesson, set its quiz, collect the answers (typed on a terminal,
// piped one per line, or all at once with --answers), grade them and record the attempt. Progress
// is written only once every question is answered: a quiz left half-way changes nothing.
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "progress/progress_store.hpp"
#include "progress/progress_view.hpp"
#include "quiz/quiz_ui.hpp"
#include "terminal/echo.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

std::uint64_t fresh_seed() {
    try {
        std::random_device device;
        return (static_cast<std::uint64_t>(device()) << 32 | device()) % 1'000'000'000;
    } catch (const std::exception&) {
        return static_cast<std::uint64_t>(
                   std::chrono::steady_clock::now().time_since_epoch().count()) %
               1'000'000'000;
    }
}

/// Answers piped in for --json: one per line, read strictly since there is nobody to ask again.
std::optional<std::vector<Answer>> read_piped_answers(const Quiz& quiz, int& reached) {
    std::vector<Answer> answers;
    char* buf = nullptr;
    std::size_t cap = 0;
    for (const QuizQuestion& q : quiz.questions) {
        reached = static_cast<int>(answers.size()) + 1;
        const ssize_t n = ::getline(&buf, &cap, stdin);
        if (n < 0) {
            std::free(buf);
            return std::nullopt;
        }
        std::string line(buf, static_cast<std::size_t>(n));
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        std::string problem;
        std::optional<Answer> a = read_answer(q, line, problem);
        if (!a) {
            std::free(buf);
            throw UsageError(say("quiz.bad_piped", fmt::arg("i", reached),
                                 fmt::arg("line", shown(line)), fmt::arg("problem", problem)));
        }
        answers.push_back(std::move(*a));
    }
    std::free(buf);
    return answers;
}

}  // namespace

int quiz_command(const QuizArgs& args, const Terminal& term) {
    ProgressStore store = ProgressStore::from_environment();
    int number = args.lesson.value_or(0);
    if (!args.lesson) {
        number = next_lesson(store.load());
        if (number == 0) {
            if (!args.json) fmt::print("{}\n", tr("quiz.all_passed"));
            if (args.json)
                fmt::print(
                    "{}\n",
                    nlohmann::ordered_json{{"lesson", nullptr}, {"all_passed", true}}.dump(2));
            return exit_ok;
        }
    }
    const lessons::Lesson& lesson = require_lesson(number);
    const lessons::LessonText& text = lessons::lesson_text(number);
    const bool from_terminal = isatty(STDIN_FILENO) == 1;
    if (args.json && !args.answers && from_terminal) {
        throw UsageError(tr("quiz.json_needs_answers"));
    }

    Quiz quiz;
    try {
        quiz = make_quiz(lesson, text, args.seed.value_or(fresh_seed()));
    } catch (const QuizError& e) {
        std::fprintf(stderr, "asynclab: %s\n",
                     say("quiz.cannot_set", fmt::arg("what", e.what())).c_str());
        return exit_failed;
    }

    std::optional<std::vector<Answer>> answers;
    int reached = 0;
    const bool prose = !args.json;
    if (args.answers) {
        answers = read_answer_list(quiz, *args.answers);
        if (prose) print_quiz_intro(quiz, term, false);
        if (prose) print_answer_report(quiz, *answers, term);
    } else if (args.json) {
        answers = read_piped_answers(quiz, reached);
    } else {
        if (!args.lesson)
            fmt::print("{}\n",
                       term.paint(say("quiz.first_not_passed", fmt::arg("n", number)), Style::Dim));
        print_quiz_intro(quiz, term, true);
        answers = ask_questions(quiz, term, stdin, !from_terminal, reached);
    }
    if (!answers) {
        const std::string message =
            say("quiz.stopped", fmt::arg("i", reached), fmt::arg("total", quiz.questions.size()));
        if (prose) fmt::print("{}\n", term.paint(message, Style::Warn));
        if (!prose) std::fprintf(stderr, "asynclab: %s\n", message.c_str());
        return exit_failed;
    }

    const Score score = grade(quiz, *answers);
    const bool pass = passed(quiz, score);
    const std::string when = utc_now();
    LessonProgress after;
    std::optional<LessonProgress> saved;
    if (store.update([&](Progress& p) {
            p.record_quiz(number, score, pass, when);
            after = p.of(number);
        })) {
        saved = after;
    }
    if (args.json) {
        fmt::print("{}\n", quiz_json(quiz, *answers, score, saved).dump(2));
    } else {
        print_score(quiz, score, saved, term);
    }
    return pass ? exit_ok : exit_failed;
}

}  // namespace asynclab::cli

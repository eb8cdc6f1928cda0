// The quiz's words on screen. Interactive answers get their feedback at once, with the
// explanation, because that is when a learner is ready to hear why.
#include "quiz/quiz_ui.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "asynclab/lessons/lesson.hpp"
#include "terminal/text_wrap.hpp"

namespace asynclab::cli {

namespace {

std::string glyph(const Terminal& term, bool right) {
    if (right) return term.paint(term.unicode ? "✓" : "+", Style::Good);
    return term.paint(term.unicode ? "✗" : "x", Style::Bad);
}

std::string heading(const Quiz& quiz) {
    return fmt::format("Lesson {} · {} — quiz", quiz.lesson->number, quiz.text->title);
}

void print_question(const Quiz& quiz, std::size_t i, const Terminal& term) {
    const QuizQuestion& q = quiz.questions[i];
    const std::string label = fmt::format("Question {} of {}", i + 1, quiz.questions.size());
    fmt::print(
        "{}{}\n", term.paint(label, Style::Bold),
        q.predict() ? term.paint(" · predict: the engine computes the answer", Style::Dim) : "");
    fmt::print("{}", wrap_paragraphs(q.prompt, term.width, 2));
    for (std::size_t c = 0; c < q.choices.size(); ++c) {
        const std::string letter =
            term.paint(fmt::format("{})", static_cast<char>('a' + c)), Style::Accent);
        // Wrapped with a hanging indent so a long choice stays under its own letter.
        std::string body = wrap_paragraphs(q.choices[c], term.width, 7);
        if (body.size() < 7) body = std::string(7, ' ') + "\n";
        body.replace(0, 7, "    " + letter + " ");
        fmt::print("{}", body);
    }
}

std::string answer_hint(const QuizQuestion& q) {
    switch (q.kind) {
        case AnswerKind::Number:
            return q.unit().empty() ? "a number" : fmt::format("a number, in {}", q.unit());
        case AnswerKind::Sequence:
            return fmt::format("{} in order", order_example(q));
        case AnswerKind::Word:
            return "one word";
        case AnswerKind::Letters:
            break;
    }
    return q.several() ? "one or more letters, like a,c" : "one letter";
}

/// The right choices spelled out, so a missed answer need not be scrolled back to.
void print_right_choices(const QuizQuestion& q, const Terminal& term) {
    for (const int c : q.right) {
        const std::string body =
            wrap_paragraphs(q.choices[static_cast<std::size_t>(c)], term.width, 7);
        if (body.size() < 7) continue;
        fmt::print("    {} {}",
                   term.paint(fmt::format("{})", static_cast<char>('a' + c)), Style::Good),
                   body.substr(7));
    }
}

/// Why, and for a prediction the command that shows the same figure.
void print_explanation(const QuizQuestion& q, const Terminal& term) {
    fmt::print("{}", wrap_paragraphs(q.explain, term.width, 4));
    if (q.predict()) {
        fmt::print("    {} {}\n", term.paint("See it run:", Style::Dim), q.check_command);
    }
}

void print_feedback(const QuizQuestion& q, const Answer& a, const Terminal& term) {
    const bool right = is_right(q, a);
    std::string verdict;
    if (q.kind == AnswerKind::Number) {
        verdict =
            right ? fmt::format("Right: the engine says {}.", right_answer_text(q))
                  : fmt::format("Not right: the engine says {} (within ±{} counts).",
                                right_answer_text(q), format_number(q.source->predict->tolerance));
    } else if (q.kind != AnswerKind::Letters) {
        verdict = right ? fmt::format("Right: the engine says {}.", right_answer_text(q))
                        : fmt::format("Not right: the engine says {}.", right_answer_text(q));
    } else {
        verdict =
            right ? "Right." : fmt::format("Not right: the answer is {}:", right_answer_text(q));
    }
    fmt::print("  {} {}\n", glyph(term, right),
               term.paint(verdict, right ? Style::Good : Style::Bad));
    if (!right) print_right_choices(q, term);
    print_explanation(q, term);
    fmt::print("\n");
}

/// One line from `in` without its line ending; nullopt at end of input.
std::optional<std::string> read_line(std::FILE* in) {
    char* buf = nullptr;
    std::size_t cap = 0;
    const ssize_t n = ::getline(&buf, &cap, in);
    std::optional<std::string> line;
    if (n >= 0) {
        line.emplace(buf, static_cast<std::size_t>(n));
        while (!line->empty() && (line->back() == '\n' || line->back() == '\r')) line->pop_back();
    }
    std::free(buf);
    return line;
}

}  // namespace

void print_quiz_intro(const Quiz& quiz, const Terminal& term, bool interactive) {
    fmt::print("{}\n", term.paint(heading(quiz), Style::Heading));
    fmt::print("{} questions; pass mark {}% ({} of {} right).\n", quiz.questions.size(),
               pass_percent, quiz.pass_mark(), quiz.questions.size());
    if (interactive) {
        // Painted line by line so that wrapping never splits a colour code.
        const std::string how = wrap_paragraphs(
            "Answer with a letter (several as a,c) or, for a prediction, a number. "
            "q or Ctrl-D stops without recording anything.",
            term.width);
        for (std::size_t at = 0; at < how.size();) {
            const std::size_t end = how.find('\n', at);
            fmt::print("{}\n", term.paint(how.substr(at, end - at), Style::Dim));
            at = end == std::string::npos ? how.size() : end + 1;
        }
    }
    fmt::print("\n");
}

std::optional<std::vector<Answer>> ask_questions(const Quiz& quiz, const Terminal& term,
                                                 std::FILE* in, bool echo, int& reached) {
    std::vector<Answer> answers;
    for (std::size_t i = 0; i < quiz.questions.size(); ++i) {
        reached = static_cast<int>(i) + 1;
        const QuizQuestion& q = quiz.questions[i];
        print_question(quiz, i, term);
        for (;;) {
            fmt::print("  {} ",
                       term.paint(fmt::format("Your answer ({}):", answer_hint(q)), Style::Bold));
            std::fflush(stdout);
            const std::optional<std::string> line = read_line(in);
            if (!line) {
                fmt::print("\n");
                return std::nullopt;
            }
            if (echo) fmt::print("{}\n", *line);
            if (*line == "q" || *line == "quit") return std::nullopt;
            std::string problem;
            if (std::optional<Answer> a = read_answer(q, *line, problem)) {
                print_feedback(q, *a, term);
                answers.push_back(std::move(*a));
                break;
            }
            fmt::print("  {} {}\n", term.paint("?", Style::Warn),
                       term.paint(problem + " — try again", Style::Warn));
        }
    }
    return answers;
}

void print_answer_report(const Quiz& quiz, const std::vector<Answer>& answers,
                         const Terminal& term) {
    for (std::size_t i = 0; i < quiz.questions.size(); ++i) {
        const QuizQuestion& q = quiz.questions[i];
        const bool right = is_right(q, answers[i]);
        std::string line =
            fmt::format("{:>2}. {} {}", i + 1, glyph(term, right), answer_text(q, answers[i]));
        if (!right)
            line += term.paint(fmt::format(" — right: {}", right_answer_text(q)), Style::Bad);
        fmt::print("{}\n{}", line, wrap_paragraphs(q.prompt, term.width, 4));
        if (!right) print_explanation(q, term);
    }
    fmt::print("\n");
}

void print_score(const Quiz& quiz, const Score& score, const std::optional<LessonProgress>& saved,
                 const Terminal& term) {
    const bool pass = passed(quiz, score);
    const int n = quiz.lesson->number;
    fmt::print(
        "{} {}\n",
        term.paint(fmt::format("Score: {} of {} ({}%).", score.right, score.total, score.percent()),
                   Style::Bold),
        pass ? term.paint(fmt::format("Passed: the pass mark is {}%.", pass_percent), Style::Good)
             : term.paint(fmt::format("Not passed yet: the pass mark is {}% ({} right).",
                                      pass_percent, quiz.pass_mark()),
                          Style::Bad));
    if (saved && saved->best) {
        fmt::print("Best so far: {} of {} ({}%) in {} attempt{}; lesson {} {}.\n",
                   saved->best->right, saved->best->total, saved->best->percent(),
                   saved->quiz_attempts, saved->quiz_attempts == 1 ? "" : "s", n,
                   saved->passed ? "passed" : "not passed yet");
    }
    if (pass) {
        if (lessons::find_lesson(n + 1) != nullptr) fmt::print("Next: asynclab run {}\n", n + 1);
    } else {
        fmt::print(
            "Read it again with `asynclab show {}`, watch `asynclab run {}`, then try again.\n", n,
            n);
    }
    fmt::print("{}\n",
               term.paint(fmt::format("The same questions again: asynclab quiz {} --seed {}", n,
                                      quiz.seed),
                          Style::Dim));
}

nlohmann::ordered_json quiz_json(const Quiz& quiz, const std::vector<Answer>& answers,
                                 const Score& score, const std::optional<LessonProgress>& saved) {
    using Json = nlohmann::ordered_json;
    const auto letters = [](const std::vector<int>& indices) {
        std::vector<int> sorted = indices;
        std::sort(sorted.begin(), sorted.end());
        Json out = Json::array();
        for (int i : sorted) out.push_back(std::string(1, static_cast<char>('a' + i)));
        return out;
    };
    Json questions = Json::array();
    for (std::size_t i = 0; i < quiz.questions.size(); ++i) {
        const QuizQuestion& q = quiz.questions[i];
        Json j = {{"number", i + 1},
                  {"kind", q.kind == AnswerKind::Number     ? "predict"
                           : q.kind == AnswerKind::Sequence ? "order"
                           : q.kind == AnswerKind::Word     ? "word"
                           : q.several()                    ? "several"
                                                            : "choice"},
                  {"prompt", q.prompt}};
        if (q.predict()) {
            Json knobs = Json::object();
            for (const auto& [name, value] : q.drawn) knobs[name] = value;
            j["knobs"] = std::move(knobs);
            j["demo"] = q.source->predict->demo;
            j["metric"] = q.source->predict->metric;
            j["check"] = q.check_command;
        }
        switch (q.kind) {
            case AnswerKind::Number:
                j["unit"] = q.unit();
                j["tolerance"] = q.source->predict->tolerance;
                j["given"] = answers[i].number;
                j["right"] = q.right_value;
                break;
            case AnswerKind::Sequence:
            case AnswerKind::Word:
                j["given"] = answers[i].words;
                j["right"] = q.right_words;
                break;
            case AnswerKind::Letters:
                j["choices"] = q.choices;
                j["given"] = letters(answers[i].letters);
                j["right"] = letters(q.right);
                break;
        }
        j["correct"] = is_right(q, answers[i]);
        j["explain"] = q.explain;
        questions.push_back(std::move(j));
    }
    Json progress = nullptr;
    if (saved) {
        progress = {{"quiz_attempts", saved->quiz_attempts},
                    {"best_score", saved->best ? Json{{"right", saved->best->right},
                                                      {"total", saved->best->total},
                                                      {"percent", saved->best->percent()}}
                                               : Json(nullptr)},
                    {"passed", saved->passed}};
    }
    return {{"lesson",
             {{"number", quiz.lesson->number},
              {"slug", quiz.lesson->slug},
              {"title", quiz.text->title}}},
            {"seed", quiz.seed},
            {"pass_mark", {{"percent", pass_percent}, {"right", quiz.pass_mark()}}},
            {"questions", std::move(questions)},
            {"score",
             {{"right", score.right},
              {"total", score.total},
              {"percent", score.percent()},
              {"passed", passed(quiz, score)}}},
            {"progress", std::move(progress)}};
}

}  // namespace asynclab::cli

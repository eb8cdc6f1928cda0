// The quiz's words on screen. Interactive answers get their feedback at once, with the
// explanation, because that is when a learner is ready to hear why.
#include "quiz/quiz_ui.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/trim_split.hpp"
#include "terminal/text.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

std::string glyph(const Terminal& term, bool right) {
    if (right) return term.paint(term.unicode ? "✓" : "+", Style::Good);
    return term.paint(term.unicode ? "✗" : "x", Style::Bad);
}

/// `text` wrapped to the terminal, each line painted on its own (a colour never spans a line end).
void print_wrapped(std::string_view text, Style style, const Terminal& term) {
    const std::string lines = wrap_paragraphs(text, term.width);
    for (std::size_t at = 0; at < lines.size();) {
        const std::size_t end = lines.find('\n', at);
        fmt::print("{}\n", term.paint(lines.substr(at, end - at), style));
        at = end == std::string::npos ? lines.size() : end + 1;
    }
}

std::string heading(const Quiz& quiz) {
    return say("quiz.heading", fmt::arg("n", quiz.lesson->number),
               fmt::arg("title", quiz.text->title));
}

void print_question(const Quiz& quiz, std::size_t i, const Terminal& term) {
    const QuizQuestion& q = quiz.questions[i];
    const std::string label =
        say("quiz.question_of", fmt::arg("i", i + 1), fmt::arg("total", quiz.questions.size()));
    fmt::print("{}{}\n", term.paint(label, Style::Bold),
               q.predict() ? term.paint(tr("quiz.predict_note"), Style::Dim) : "");
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
            return q.unit().empty() ? tr("quiz.hint.number")
                                    : say("quiz.hint.number_in", fmt::arg("unit", q.unit()));
        case AnswerKind::Sequence:
            return say("quiz.hint.order", fmt::arg("example", order_example(q)));
        case AnswerKind::Word:
            return tr("quiz.hint.word");
        case AnswerKind::Letters:
            break;
    }
    return tr(q.several() ? "quiz.hint.letters" : "quiz.hint.letter");
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
/// A shell command in lines of at most `width` columns, cut between its words, each line but the
/// last ending in " \\" so that it still pastes as one command.
std::string command_lines(std::string_view command, int width, int indent) {
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    std::string out;
    std::string line;
    for (std::string_view word : lessons::split(command, ' ')) {
        if (word.empty()) continue;
        if (!line.empty() && display_width(line) + 1 + display_width(word) + 2 > width - indent) {
            out += pad + line + " \\\n";
            line = "  ";
        }
        line += (line.empty() || line == "  " ? "" : " ") + std::string(word);
    }
    return out + pad + line + "\n";
}

void print_explanation(const QuizQuestion& q, const Terminal& term) {
    fmt::print("{}", wrap_paragraphs(q.explain, term.width, 4));
    if (!q.predict()) return;
    const std::string label = term.paint(tr("quiz.see_it_run"), Style::Dim);
    const int label_width = display_width(tr("quiz.see_it_run"));
    if (4 + label_width + 1 + display_width(q.check_command) <= term.width) {
        fmt::print("    {} {}\n", label, q.check_command);
    } else {
        fmt::print("    {}\n{}", label, command_lines(q.check_command, term.width, 6));
    }
}

void print_feedback(const QuizQuestion& q, const Answer& a, const Terminal& term) {
    const bool right = is_right(q, a);
    std::string verdict;
    if (q.kind == AnswerKind::Number) {
        verdict = right ? say("quiz.right_engine", fmt::arg("answer", right_answer_text(q)))
                        : say("quiz.wrong_engine_within", fmt::arg("answer", right_answer_text(q)),
                              fmt::arg("tolerance", format_number(q.source->predict->tolerance)));
    } else if (q.kind != AnswerKind::Letters) {
        verdict = say(right ? "quiz.right_engine" : "quiz.wrong_engine",
                      fmt::arg("answer", right_answer_text(q)));
    } else {
        verdict = right ? tr("quiz.right")
                        : say("quiz.wrong_answer", fmt::arg("answer", right_answer_text(q)));
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
    print_wrapped(heading(quiz), Style::Heading, term);
    fmt::print("{}\n", say("quiz.intro", fmt::arg("total", quiz.questions.size()),
                           fmt::arg("pass", pass_percent), fmt::arg("mark", quiz.pass_mark())));
    if (interactive) print_wrapped(tr("quiz.how"), Style::Dim, term);
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
            fmt::print(
                "  {} ",
                term.paint(say("quiz.your_answer", fmt::arg("hint", answer_hint(q))), Style::Bold));
            std::fflush(stdout);
            const std::optional<std::string> line = read_line(in);
            if (!line) {
                fmt::print("\n");
                return std::nullopt;
            }
            if (echo) fmt::print("{}\n", *line);
            if (*line == "q" || *line == "quit" || *line == tr("quiz.quit_word"))
                return std::nullopt;
            std::string problem;
            if (std::optional<Answer> a = read_answer(q, *line, problem)) {
                print_feedback(q, *a, term);
                answers.push_back(std::move(*a));
                break;
            }
            fmt::print(
                "  {} {}\n", term.paint("?", Style::Warn),
                term.paint(say("quiz.try_again", fmt::arg("problem", problem)), Style::Warn));
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
            line += term.paint(say("quiz.report_right", fmt::arg("answer", right_answer_text(q))),
                               Style::Bad);
        fmt::print("{}\n{}", line, wrap_paragraphs(q.prompt, term.width, 4));
        if (!right) print_explanation(q, term);
    }
    fmt::print("\n");
}

void print_score(const Quiz& quiz, const Score& score, const std::optional<LessonProgress>& saved,
                 const Terminal& term) {
    const bool pass = passed(quiz, score);
    const int n = quiz.lesson->number;
    const std::string figure =
        say("quiz.score", fmt::arg("right", score.right), fmt::arg("total", score.total),
            fmt::arg("percent", score.percent()));
    const std::string verdict = pass ? say("quiz.passed", fmt::arg("pass", pass_percent))
                                     : say("quiz.not_passed", fmt::arg("pass", pass_percent),
                                           fmt::arg("mark", quiz.pass_mark()));
    if (display_width(figure) + 1 + display_width(verdict) <= term.width) {
        fmt::print("{} {}\n", term.paint(figure, Style::Bold),
                   term.paint(verdict, pass ? Style::Good : Style::Bad));
    } else {
        print_wrapped(figure, Style::Bold, term);
        print_wrapped(verdict, pass ? Style::Good : Style::Bad, term);
    }
    if (saved && saved->best) {
        print_wrapped(
            say(saved->quiz_attempts == 1 ? "quiz.best_one" : "quiz.best",
                fmt::arg("right", saved->best->right), fmt::arg("total", saved->best->total),
                fmt::arg("percent", saved->best->percent()),
                fmt::arg("attempts", saved->quiz_attempts), fmt::arg("n", n),
                fmt::arg("state",
                         tr(saved->passed ? "quiz.state_passed" : "quiz.state_not_passed"))),
            Style::Plain, term);
    }
    if (pass) {
        if (lessons::find_lesson(n + 1) != nullptr)
            print_wrapped(say("quiz.next", fmt::arg("n", n + 1)), Style::Plain, term);
    } else {
        print_wrapped(say("quiz.again", fmt::arg("n", n)), Style::Plain, term);
    }
    print_wrapped(say("quiz.same_again", fmt::arg("n", n), fmt::arg("seed", quiz.seed)), Style::Dim,
                  term);
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

// Reading answers as learners type them, and grading them. Lenient about form ("a,c", "ac",
// "A C"; "0.3", "0.3 s", "300 ms") and strict about meaning: what cannot be read as an answer to
// this question is reported with what would be, never guessed at and never counted wrong.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

#include "asynclab/lessons/trim_split.hpp"
#include "commands.hpp"
#include "quiz/quiz.hpp"
#include "terminal/echo.hpp"
#include "terminal/text.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Chinese punctuation between answers reads as its ASCII twin: "a，c", "b、0.3", "C＞A＞B", and
/// the ideographic space as a space.
std::string ascii_separators(std::string_view typed) {
    std::string out(typed);
    for (const auto& [wide, ascii] : {std::pair{"，", ","},
                                      {"、", ","},
                                      {"；", ";"},
                                      {"＋", "+"},
                                      {"＞", ">"},
                                      {"\u3000", " "},
                                      {"．", "."}}) {
        for (std::size_t at = out.find(wide); at != std::string::npos; at = out.find(wide, at))
            out.replace(at, std::string_view(wide).size(), ascii);
    }
    return out;
}

/// A typed word the way the run spells it: yes and no stand for their synonyms.
std::string canonical_word(std::string_view word) {
    std::string w = lower(lessons::trim(word));
    if (w == "y" || w == "true" || w == "是" || w == "对") return "yes";
    if (w == "n" || w == "false" || w == "否" || w == "不") return "no";
    return w;
}

/// "C, A, B", "C A B", "C > A > B"; and "CAB" when every item is one character.
std::vector<std::string> split_order(std::string_view typed, bool single_characters) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : typed) {
        if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '>' || c == ';') {
            if (!word.empty()) words.push_back(std::exchange(word, {}));
        } else {
            word += c;
        }
    }
    if (!word.empty()) words.push_back(word);
    if (single_characters && words.size() == 1 && words[0].size() > 1) {
        const std::string run = words[0];
        words.clear();
        for (const char c : run) words.emplace_back(1, c);
    }
    return words;
}

char last_letter(const QuizQuestion& q) {
    return static_cast<char>('a' + q.choice_count() - 1);
}

std::optional<Answer> read_letters(const QuizQuestion& q, std::string_view typed,
                                   std::string& problem) {
    Answer a;
    for (const char raw : lower(typed)) {
        if (std::isspace(static_cast<unsigned char>(raw)) ||
            std::string_view(",+;/).").find(raw) != std::string_view::npos) {
            continue;
        }
        if (raw < 'a' || raw > last_letter(q)) {
            problem = say("answer.not_a_choice", fmt::arg("typed", shown(lessons::trim(typed))),
                          fmt::arg("last", last_letter(q)));
            return std::nullopt;
        }
        a.letters.push_back(raw - 'a');
    }
    std::sort(a.letters.begin(), a.letters.end());
    a.letters.erase(std::unique(a.letters.begin(), a.letters.end()), a.letters.end());
    if (a.letters.empty()) {
        problem = say("answer.type_letter", fmt::arg("last", last_letter(q)));
        return std::nullopt;
    }
    if (a.letters.size() > 1 && !q.several()) {
        problem = tr("answer.one_letter");
        return std::nullopt;
    }
    return a;
}

/// The factor that turns `unit` into the question's unit, or nullopt.
std::optional<double> unit_factor(const std::string& question_unit, const std::string& unit) {
    if (unit.empty()) return 1.0;
    if (question_unit == "s") {
        constexpr std::array seconds{"s", "sec", "secs", "second", "seconds", "秒"};
        constexpr std::array millis{"ms", "msec", "msecs", "millisecond", "milliseconds", "毫秒"};
        if (std::find(seconds.begin(), seconds.end(), unit) != seconds.end()) return 1.0;
        if (std::find(millis.begin(), millis.end(), unit) != millis.end()) return 1e-3;
        return std::nullopt;
    }
    const std::string u = lower(question_unit);
    if (unit == u || unit + "s" == u || unit == u + "s") return 1.0;  // "3 step" and "1 steps" too
    // Chinese counts things with a measure word, not the unit: "3 个", "3 项", "3 次", "3 步".
    constexpr std::array measure_words{"个", "项", "次", "步", "条"};
    if (std::find(measure_words.begin(), measure_words.end(), unit) != measure_words.end())
        return 1.0;
    return std::nullopt;
}

std::optional<Answer> read_number(const QuizQuestion& q, std::string_view typed,
                                  std::string& problem) {
    const std::string unit = q.unit();
    std::string_view s = lessons::trim(typed);
    if (s.starts_with('+')) s.remove_prefix(1);
    if (s.find(',') != std::string_view::npos) {
        std::string dotted(s);
        std::replace(dotted.begin(), dotted.end(), ',', '.');
        problem = say("answer.use_dot", fmt::arg("dotted", dotted), fmt::arg("typed", s));
        return std::nullopt;
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || !std::isfinite(value)) {
        problem = unit == "s"    ? tr("answer.number_seconds")
                  : unit.empty() ? tr("answer.number")
                                 : say("answer.number_unit", fmt::arg("unit", unit));
        return std::nullopt;
    }
    const std::string rest = lower(
        lessons::trim(std::string_view(end, static_cast<std::size_t>(s.data() + s.size() - end))));
    const std::optional<double> factor = unit_factor(unit, rest);
    if (!factor) {
        problem = say("answer.unknown_unit", fmt::arg("typed", shown(rest)),
                      fmt::arg("unit", unit.empty() ? tr("answer.plain_number") : unit));
        return std::nullopt;
    }
    return Answer{.letters = {}, .number = value * *factor, .words = {}};
}

std::optional<Answer> read_order(const QuizQuestion& q, std::string_view typed,
                                 std::string& problem) {
    const bool single = std::all_of(q.right_words.begin(), q.right_words.end(),
                                    [](const std::string& w) { return w.size() == 1; });
    Answer a;
    a.words = split_order(typed, single);
    if (a.words.size() != q.right_words.size()) {
        problem = say("answer.list_all", fmt::arg("n", q.right_words.size()),
                      fmt::arg("example", order_example(q)));
        return std::nullopt;
    }
    return a;
}

std::optional<Answer> read_word(std::string_view typed, std::string& problem) {
    const std::string_view w = lessons::trim(typed);
    if (w.empty() || w.find_first_of(" \t,") != std::string_view::npos) {
        problem = tr("answer.one_word");
        return std::nullopt;
    }
    return Answer{.letters = {}, .number = 0, .words = {std::string(w)}};
}

std::string kinds(const Quiz& quiz) {
    std::string out;
    for (const QuizQuestion& q : quiz.questions) {
        out += out.empty() ? "" : ", ";
        switch (q.kind) {
            case AnswerKind::Letters:
                out += tr(q.several() ? "answer.kind.letters" : "answer.kind.letter");
                break;
            case AnswerKind::Number:
                out += tr("answer.kind.number");
                break;
            case AnswerKind::Sequence:
                out += tr("answer.kind.order");
                break;
            case AnswerKind::Word:
                out += tr("answer.kind.word");
                break;
        }
    }
    return out;
}

}  // namespace

std::string order_example(const QuizQuestion& q) {
    std::vector<std::string> sorted = q.right_words;
    std::sort(sorted.begin(), sorted.end());
    std::string out;
    for (const std::string& w : sorted) out += (out.empty() ? "" : ", ") + w;
    return out;
}

bool same_word(std::string_view a, std::string_view b) {
    return canonical_word(a) == canonical_word(b);
}

std::optional<Answer> read_answer(const QuizQuestion& q, std::string_view typed,
                                  std::string& problem) {
    const std::string ascii = ascii_separators(typed);
    switch (q.kind) {
        case AnswerKind::Letters:
            return read_letters(q, ascii, problem);
        case AnswerKind::Number:
            return read_number(q, ascii, problem);
        case AnswerKind::Sequence:
            return read_order(q, ascii, problem);
        case AnswerKind::Word:
            return read_word(ascii, problem);
    }
    return std::nullopt;
}

std::vector<Answer> read_answer_list(const Quiz& quiz, std::string_view typed_list) {
    // Orders take '>' in a list, since commas part the answers.
    const std::string ascii = ascii_separators(typed_list);
    std::string_view list = ascii;
    const std::vector<std::string_view> entries = lessons::split(list, ',');
    const std::size_t n = quiz.questions.size();
    if (entries.size() != n) {
        throw UsageError(say(entries.size() == 1 ? "answer.count_one" : "answer.count",
                             fmt::arg("given", entries.size()), fmt::arg("n", quiz.lesson->number),
                             fmt::arg("total", n), fmt::arg("kinds", kinds(quiz))));
    }
    std::vector<Answer> answers;
    for (std::size_t i = 0; i < n; ++i) {
        std::string problem;
        std::optional<Answer> a = read_answer(quiz.questions[i], entries[i], problem);
        if (!a)
            throw UsageError(say("answer.bad", fmt::arg("i", i + 1),
                                 fmt::arg("typed", shown(entries[i])),
                                 fmt::arg("problem", problem)));
        answers.push_back(std::move(*a));
    }
    return answers;
}

bool is_right(const QuizQuestion& q, const Answer& a) {
    switch (q.kind) {
        case AnswerKind::Letters:
            return a.letters == q.right;
        case AnswerKind::Number:
            return std::fabs(a.number - q.right_value) <= q.source->predict->tolerance + 1e-9;
        case AnswerKind::Sequence:
        case AnswerKind::Word:
            return std::equal(a.words.begin(), a.words.end(), q.right_words.begin(),
                              q.right_words.end(), same_word);
    }
    return false;
}

std::string format_number(double value) {
    if (std::fabs(value - std::round(value)) < 1e-9 && std::fabs(value) < 1e15) {
        return fmt::format("{}", std::llround(value));
    }
    std::string s = fmt::format("{:.6f}", value);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string answer_text(const QuizQuestion& q, const Answer& a) {
    std::string out;
    switch (q.kind) {
        case AnswerKind::Number:
            return q.unit().empty() ? format_number(a.number)
                                    : format_number(a.number) + " " + q.unit();
        case AnswerKind::Sequence:
        case AnswerKind::Word:
            for (const std::string& w : a.words) out += (out.empty() ? "" : " > ") + w;
            return out;
        case AnswerKind::Letters:
            break;
    }
    for (int l : a.letters)
        out += fmt::format("{}{}", out.empty() ? "" : "+", static_cast<char>('a' + l));
    return out;
}

std::string right_answer_text(const QuizQuestion& q) {
    return answer_text(q,
                       Answer{.letters = q.right, .number = q.right_value, .words = q.right_words});
}

}  // namespace asynclab::cli

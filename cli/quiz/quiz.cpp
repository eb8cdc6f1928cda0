// Setting a quiz: drawing each predict question's knobs and running its demo under the virtual
// clock for the right answer. Everything is computed before the first question is asked, so a
// learner is never stopped half-way by a demo that cannot run.
#include "quiz/quiz.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>

#include "asynclab/lessons/prose.hpp"
#include "asynclab/lessons/prose_lookup.hpp"
#include "asynclab/lessons/run.hpp"
#include "asynclab/random.hpp"

namespace asynclab::cli {

namespace {

std::string draw(const lessons::KnobDraw& d, Random& random) {
    switch (d.kind) {
        case lessons::KnobDraw::Kind::Integers:
            return fmt::format("{}", random.integer(std::llround(d.lo), std::llround(d.hi)));
        case lessons::KnobDraw::Kind::Grid: {
            const auto steps = static_cast<std::int64_t>(std::floor((d.hi - d.lo) / d.step + 1e-9));
            const double v = d.lo + static_cast<double>(random.integer(0, steps)) * d.step;
            // Shown to the learner and parsed back as the knob: 0.07, not 0.07000000000000001.
            return format_number(std::round(v * 1e9) / 1e9);
        }
        case lessons::KnobDraw::Kind::Choices:
            return d.choices[static_cast<std::size_t>(
                random.integer(0, static_cast<std::int64_t>(d.choices.size()) - 1))];
    }
    return {};
}

/// "handled_by.w0": a metric, then a record's field or a list's index at each dot.
std::optional<Value> metric_at(const lessons::DemoRun& run, std::string_view path) {
    const std::string_view head = path.substr(0, path.find('.'));
    std::optional<Value> v;
    if (head == "duration_s") {
        v = to_secs(run.duration);
    } else if (const Value& figure = run.metric(head); !figure.is_none()) {
        v = figure;
    }
    for (std::size_t dot = path.find('.'); v && dot != std::string_view::npos;) {
        const std::size_t next = path.find('.', dot + 1);
        const std::string_view key = path.substr(dot + 1, next - dot - 1);
        dot = next;
        if (const auto* fields = v->get_if<ValueRecord>()) {
            const auto it = std::find_if(fields->begin(), fields->end(),
                                         [&](const auto& f) { return f.first == key; });
            v = it == fields->end() ? std::nullopt : std::optional<Value>(it->second);
        } else if (const auto* items = v->get_if<ValueList>()) {
            std::size_t i = 0;
            const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), i);
            v = ec == std::errc{} && end == key.data() + key.size() && i < items->size()
                    ? std::optional<Value>((*items)[i])
                    : std::nullopt;
        } else {
            v.reset();
        }
    }
    return v;
}

/// What a question's words are filled in with: its knobs, the run that answers it, and
/// {answer_b}, the letter the file's choice b is shown under in this attempt.
struct QuestionFacts {
    const lessons::Lesson& lesson;
    lessons::Knobs knobs;
    std::map<std::string, std::string> drawn;  ///< Knob name and value text, as drawn.
    std::optional<lessons::DemoRun> run;
    std::vector<char> shown_letters;  ///< By the file's choice index.
};

lessons::ProseLookup question_lookup(const QuestionFacts& facts) {
    lessons::ProseLookup figures =
        facts.run ? lessons::prose_lookup(*facts.run, facts.knobs, facts.lesson)
                  : lessons::prose_lookup(facts.knobs, facts.lesson);
    return [&facts, figures = std::move(figures)](
               std::string_view name) -> std::optional<lessons::ProseValue> {
        if (name.size() == 8 && name.starts_with("answer_")) {
            const auto i = static_cast<std::size_t>(name.back() - 'a');
            if (i < facts.shown_letters.size())
                return lessons::ProseValue{std::string(1, facts.shown_letters[i]), false};
        }
        if (facts.run && name.find('.') != std::string_view::npos) {
            if (std::optional<Value> v = metric_at(*facts.run, name)) {
                const std::string_view head = name.substr(0, name.find('.'));
                return lessons::ProseValue{std::move(*v), head.ends_with("_s")};
            }
        }
        // A list knob reads as drawn, "1.0,0.5,0.3", the way the learner would type it.
        const lessons::KnobSpec* spec = facts.lesson.knob(name);
        if (const auto d = facts.drawn.find(std::string(name));
            d != facts.drawn.end() && spec != nullptr &&
            spec->kind == lessons::KnobKind::SecondsList)
            return lessons::ProseValue{d->second, false};
        return figures(name);
    };
}

/// A scalar as a learner would type it: "w1", "3", "yes".
std::optional<std::string> word_of(const Value& v) {
    if (const auto* s = v.get_if<std::string>()) return *s;
    if (const auto* i = v.get_if<std::int64_t>()) return fmt::format("{}", *i);
    if (const auto* b = v.get_if<bool>()) return *b ? "yes" : "no";
    if (const auto* d = v.get_if<double>()) return format_number(*d);
    return std::nullopt;
}

/// Sets the right answer from the run's value: a number, an order, a word, or the choice that
/// reads as it.
void set_right_answer(QuizQuestion& q, const Value& value, const std::string& where, int number,
                      int lesson_number) {
    const auto bad = [&](std::string_view what) {
        return QuizError(fmt::format("{}: question {} reads '{}': {}", where, number,
                                     q.source->predict->metric, what));
    };
    if (!q.choices.empty()) {
        const std::optional<std::string> word = word_of(value);
        if (!word) throw bad("a list cannot pick a choice");
        // The run's value is English ("cancelled"): it is read against the English choices, whose
        // order every language keeps.
        const std::vector<std::string>& english =
            lessons::lesson_text(lesson_number, "en")
                .questions.at(static_cast<std::size_t>(number - 1))
                .choices;
        const auto it = std::find_if(english.begin(), english.end(),
                                     [&](const auto& c) { return same_word(c, *word); });
        if (it == english.end()) throw bad(fmt::format("no choice reads '{}'", *word));
        q.kind = AnswerKind::Letters;
        q.right = {static_cast<int>(it - english.begin())};
    } else if (const auto* items = value.get_if<ValueList>()) {
        q.kind = AnswerKind::Sequence;
        for (const Value& item : *items) {
            std::optional<std::string> word = word_of(item);
            if (!word) throw bad("an order must list plain values");
            q.right_words.push_back(std::move(*word));
        }
    } else if (value.get_if<std::string>() != nullptr || value.get_if<bool>() != nullptr) {
        q.kind = AnswerKind::Word;
        q.right_words = {*word_of(value)};
    } else if (const auto* i = value.get_if<std::int64_t>()) {
        q.kind = AnswerKind::Number;
        q.right_value = static_cast<double>(*i);
    } else if (const auto* d = value.get_if<double>()) {
        q.kind = AnswerKind::Number;
        q.right_value = *d;
    } else {
        throw bad("it is not a number, a word or an order");
    }
}

void set_predict(QuizQuestion& q, QuestionFacts& facts, const lessons::LessonText& text, int number,
                 Random& random) {
    const lessons::Lesson& lesson = facts.lesson;
    const lessons::Predict& p = *q.source->predict;
    const std::string where = fmt::format("{}:{}", text.file, q.source->line);
    std::map<std::string, std::string>& given = facts.drawn;
    for (const auto& [name, d] : p.knobs) {  // by name: the same seed draws the same values
        if (lesson.knob(name) == nullptr) {
            throw QuizError(fmt::format("{}: question {} draws --{}, which lesson {} does not have",
                                        where, number, name, lesson.number));
        }
        given[name] = draw(d, random);
    }
    lessons::Knobs& knobs = facts.knobs;
    try {
        knobs = lessons::Knobs(lesson.knobs(), given);
    } catch (const lessons::KnobError& e) {
        throw QuizError(
            fmt::format("{}: question {} drew a bad knob value: {}", where, number, e.what()));
    }
    const lessons::DemoSpec* demo = lesson.demo(p.demo);
    if (demo == nullptr) {
        throw QuizError(
            fmt::format("lesson {}'s quiz needs its demo '{}', which this build does not have yet",
                        lesson.number, p.demo));
    }
    lessons::RunOptions options;
    options.clock = ClockMode::Virtual;
    options.seed = answer_run_seed;
    const lessons::DemoRun& run =
        facts.run.emplace(lessons::run_demo(lesson, *demo, knobs, options));
    if (run.error) {
        throw QuizError(
            fmt::format("question {}: the demo '{}' failed while computing the answer: {}", number,
                        p.demo, *run.error));
    }
    const std::optional<Value> value = metric_at(run, p.metric);
    if (!value) {
        throw QuizError(fmt::format("{}: question {} reads '{}', which demo '{}' does not report",
                                    where, number, p.metric, p.demo));
    }
    try {
        for (std::string& c : q.choices) c = lessons::fill_prose(c, question_lookup(facts));
    } catch (const lessons::ProseError& e) {
        throw QuizError(fmt::format("{}: question {}: {}", where, number, e.what()));
    }
    set_right_answer(q, *value, where, number, lesson.number);
    q.check_command =
        fmt::format("asynclab run {} --clock virtual --demo {}", lesson.number, p.demo);
    for (const auto& spec :
         lesson.knobs().specs) {  // in the lesson's order, as `run --help` lists them
        if (auto it = given.find(spec.name); it != given.end()) {
            q.drawn.emplace_back(spec.name, it->second);
            q.check_command += fmt::format(" --{} {}", spec.name, it->second);
        }
    }
}

/// Puts the choices in this attempt's order, keeping which ones are right. Returns the letter
/// each of the file's choices is now shown under.
std::vector<char> shuffle_choices(QuizQuestion& q, Random& random) {
    std::vector<std::size_t> order(q.choices.size());
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size(); i > 1; --i) {  // Fisher-Yates on the seeded generator
        const auto j =
            static_cast<std::size_t>(random.integer(0, static_cast<std::int64_t>(i) - 1));
        std::swap(order[i - 1], order[j]);
    }
    std::vector<std::string> choices;
    std::vector<int> right;
    for (std::size_t shown = 0; shown < order.size(); ++shown) {
        choices.push_back(std::move(q.choices[order[shown]]));
        if (std::find(q.right.begin(), q.right.end(), static_cast<int>(order[shown])) !=
            q.right.end()) {
            right.push_back(static_cast<int>(shown));
        }
    }
    q.choices = std::move(choices);
    q.right = std::move(right);
    std::vector<char> letters(order.size());
    for (std::size_t shown = 0; shown < order.size(); ++shown)
        letters[order[shown]] = static_cast<char>('a' + shown);
    return letters;
}

}  // namespace

int Quiz::pass_mark() const {
    const int total = static_cast<int>(questions.size());
    return (total * pass_percent + 99) / 100;
}

Quiz make_quiz(const lessons::Lesson& lesson, const lessons::LessonText& text, std::uint64_t seed) {
    Quiz quiz{.lesson = &lesson, .text = &text, .seed = seed, .questions = {}};
    if (text.questions.empty())
        throw QuizError(fmt::format("lesson {} has no quiz questions yet", lesson.number));
    Random random(seed);
    // Apart from the knob draws, so shuffling never changes which values a seed draws.
    Random shuffle(seed ^ 0x5eed'c401'ce5ULL);
    for (const lessons::Question& source : text.questions) {
        QuizQuestion q;
        q.source = &source;
        q.prompt = source.prompt;
        q.explain = source.explain;
        q.choices = source.choices;
        q.right = source.answer;
        std::sort(q.right.begin(), q.right.end());
        q.right.erase(std::unique(q.right.begin(), q.right.end()), q.right.end());
        const int number = static_cast<int>(quiz.questions.size()) + 1;
        QuestionFacts facts{lesson, lessons::Knobs(lesson.knobs(), {}), {}, std::nullopt, {}};
        if (source.predict) set_predict(q, facts, text, number, random);
        facts.shown_letters = shuffle_choices(q, shuffle);
        try {
            q.prompt = lessons::fill_prose(source.prompt, question_lookup(facts));
            q.explain = lessons::fill_prose(source.explain, question_lookup(facts));
        } catch (const lessons::ProseError& e) {
            throw QuizError(
                fmt::format("{}:{}: question {}: {}", text.file, source.line, number, e.what()));
        }
        quiz.questions.push_back(std::move(q));
    }
    return quiz;
}

Score grade(const Quiz& quiz, const std::vector<Answer>& answers) {
    Score score{.right = 0, .total = static_cast<int>(quiz.questions.size())};
    for (std::size_t i = 0; i < quiz.questions.size() && i < answers.size(); ++i) {
        score.right += is_right(quiz.questions[i], answers[i]) ? 1 : 0;
    }
    return score;
}

bool passed(const Quiz& quiz, const Score& score) {
    return score.right >= quiz.pass_mark();
}

}  // namespace asynclab::cli

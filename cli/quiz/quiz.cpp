// Setting a quiz: drawing each predict question's knobs and running its demo under the virtual
// clock for the right answer. Everything is computed before the first question is asked, so a
// learner is never stopped half-way by a demo that cannot run.
#include "quiz/quiz.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

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

/// `{name}` replaced by the knob's value: as drawn (the text `run` is given), else its default;
/// other braces left alone.
std::string fill_prompt(std::string_view prompt, const lessons::Knobs& knobs,
                        const std::map<std::string, std::string>& drawn) {
    std::string out;
    while (!prompt.empty()) {
        const auto open = prompt.find('{');
        const auto close = prompt.find('}', open);
        if (open == std::string_view::npos || close == std::string_view::npos) break;
        const std::string_view name = prompt.substr(open + 1, close - open - 1);
        out += prompt.substr(0, open);
        const auto it = knobs.values().find(name);
        if (const auto d = drawn.find(std::string(name)); d != drawn.end()) {
            out += d->second;
        } else if (it != knobs.values().end()) {
            out += lessons::format_knob(it->second);
        } else {
            out += prompt.substr(open, close - open + 1);
        }
        prompt.remove_prefix(close + 1);
    }
    out += prompt;
    return out;
}

void set_predict(QuizQuestion& q, const lessons::Lesson& lesson, const lessons::LessonText& text,
                 int number, Random& random) {
    const lessons::Predict& p = *q.source->predict;
    const std::string where = fmt::format("{}:{}", text.file, q.source->line);
    std::map<std::string, std::string> given;
    for (const auto& [name, d] : p.knobs) {  // by name: the same seed draws the same values
        if (lesson.knob(name) == nullptr) {
            throw QuizError(fmt::format("{}: question {} draws --{}, which lesson {} does not have",
                                        where, number, name, lesson.number));
        }
        given[name] = draw(d, random);
    }
    lessons::Knobs knobs;
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
    const lessons::DemoRun run = lessons::run_demo(lesson, *demo, knobs, options);
    if (run.error) {
        throw QuizError(
            fmt::format("question {}: the demo '{}' failed while computing the answer: {}", number,
                        p.demo, *run.error));
    }
    if (p.metric == "duration_s") {
        q.right_value = to_secs(run.duration);
    } else if (const auto* d = run.metric(p.metric).get_if<double>()) {
        q.right_value = *d;
    } else if (const auto* i = run.metric(p.metric).get_if<std::int64_t>()) {
        q.right_value = static_cast<double>(*i);
    } else {
        throw QuizError(fmt::format(
            "{}: question {} reads metric '{}', which demo '{}' does not report as a number", where,
            number, p.metric, p.demo));
    }
    q.prompt = fill_prompt(q.source->prompt, knobs, given);
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
    for (const lessons::Question& source : text.questions) {
        QuizQuestion q;
        q.source = &source;
        q.prompt = source.prompt;
        if (source.predict)
            set_predict(q, lesson, text, static_cast<int>(quiz.questions.size()) + 1, random);
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

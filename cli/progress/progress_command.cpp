// `asynclab progress [--reset]`: what the learner has done, lesson by lesson, and the one command
// that erases it — only after a yes typed on a terminal, or --yes.
#include <unistd.h>

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "exercise/exercise.hpp"
#include "progress/progress_store.hpp"
#include "progress/progress_view.hpp"
#include "terminal/text.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

std::string score_text(const LessonProgress& p, bool unicode) {
    if (!p.best) return unicode ? "—" : "-";
    return fmt::format("{}/{} {:>3}%", p.best->right, p.best->total, p.best->percent());
}

std::string summary(const Progress& progress) {
    int passed = 0, attempts = 0, runs = 0;
    for (const auto& [n, p] : progress.lessons) {
        passed += p.passed ? 1 : 0;
        attempts += p.quiz_attempts;
        runs += p.runs;
    }
    return say(
        passed == 1 ? "progress.summary_one" : "progress.summary", fmt::arg("passed", passed),
        fmt::arg("attempts", attempts),
        fmt::arg("attempts_word", tr(attempts == 1 ? "progress.attempt" : "progress.attempts")),
        fmt::arg("runs", runs),
        fmt::arg("runs_word", tr(runs == 1 ? "progress.run" : "progress.runs")));
}

bool confirmed(const std::string& question) {
    std::fprintf(stderr, "%s %s ", question.c_str(), tr("progress.y_n").c_str());
    std::fflush(stderr);
    char* buf = nullptr;
    std::size_t cap = 0;
    const ssize_t n = ::getline(&buf, &cap, stdin);
    std::string answer = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    std::free(buf);
    if (n < 0) std::fputc('\n', stderr);
    while (!answer.empty() &&
           (answer.back() == '\n' || answer.back() == '\r' || answer.back() == ' '))
        answer.pop_back();
    return answer == "y" || answer == "Y" || answer == "yes" || answer == "Yes" ||
           answer == "YES" || answer == tr("progress.yes_word");
}

int reset(const ProgressArgs& args, ProgressStore& store) {
    if (!args.yes) {
        if (isatty(STDIN_FILENO) != 1) {
            throw UsageError(tr("progress.reset_needs_terminal"));
        }
        const std::string question =
            say("progress.erase_question", fmt::arg("summary", summary(store.load())),
                fmt::arg("file", store.file().string()));
        if (!confirmed(question)) {
            fmt::print("{}\n", tr("progress.nothing_erased"));
            return exit_failed;
        }
    }
    if (!store.update([](Progress& p) { p = Progress{}; })) return exit_failed;
    if (args.json) {
        fmt::print(
            "{}\n",
            nlohmann::ordered_json{{"erased", true}, {"file", store.file().string()}}.dump(2));
    } else {
        fmt::print("{}\n", tr("progress.erased"));
    }
    return exit_ok;
}

}  // namespace

nlohmann::ordered_json exercise_progress_json(const ExerciseProgress& p) {
    return {{"checks", p.checks},
            {"passed", p.passed},
            {"hints", p.hints},
            {"last_check", p.last_check.empty() ? nlohmann::ordered_json(nullptr)
                                                : nlohmann::ordered_json(p.last_check)}};
}

nlohmann::ordered_json exercises_json(const Progress& progress) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const Exercise& e : exercises()) {
        nlohmann::ordered_json row = {{"name", e.name}, {"lesson", e.lesson}};
        row.update(exercise_progress_json(progress.of_exercise(e.name)));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string exercises_line(const Progress& progress) {
    std::string passed;
    int n = 0;
    for (const Exercise& e : exercises()) {
        if (!progress.of_exercise(e.name).passed) continue;
        passed += (passed.empty() ? "" : ", ") + e.name;
        ++n;
    }
    if (n == 0) return say("progress.exercises_none", fmt::arg("total", exercises().size()));
    return say("progress.exercises", fmt::arg("passed", n), fmt::arg("total", exercises().size()),
               fmt::arg("names", passed));
}

int next_lesson(const Progress& progress) {
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        if (!progress.of(l->number).passed) return l->number;
    }
    return 0;
}

Status lesson_status(const LessonProgress& p, const Terminal& term) {
    if (p.passed) return {(term.unicode ? "✓ " : "") + tr("progress.status.passed"), Style::Good};
    if (p.best)
        return {say("progress.status.quiz", fmt::arg("percent", p.best->percent())), Style::Warn};
    if (p.runs > 0)
        return {say("progress.status.ran", fmt::arg("runs", p.runs),
                    fmt::arg("times", term.unicode ? "×" : "x")),
                Style::Accent};
    return {tr("progress.status.new"), Style::Dim};
}

std::string next_step(const Progress& progress) {
    const int n = next_lesson(progress);
    if (n == 0) return tr("progress.all_passed");
    if (progress.of(n).runs == 0) return say("progress.next_run", fmt::arg("n", n));
    return say("progress.next_quiz", fmt::arg("n", n));
}

nlohmann::ordered_json lesson_progress_json(const LessonProgress& p) {
    using Json = nlohmann::ordered_json;
    return {{"runs", p.runs},
            {"quiz_attempts", p.quiz_attempts},
            {"best_score", p.best ? Json{{"right", p.best->right},
                                         {"total", p.best->total},
                                         {"percent", p.best->percent()}}
                                  : Json(nullptr)},
            {"passed", p.passed},
            {"last_run", p.last_run.empty() ? Json(nullptr) : Json(p.last_run)},
            {"last_quiz", p.last_quiz.empty() ? Json(nullptr) : Json(p.last_quiz)}};
}

int progress_command(const ProgressArgs& args, const Terminal& term) {
    ProgressStore store = ProgressStore::from_environment();
    if (args.reset) return reset(args, store);
    const Progress progress = store.load();
    if (args.json) {
        nlohmann::ordered_json rows = nlohmann::ordered_json::array();
        for (const lessons::Lesson* l : lessons::all_lessons()) {
            nlohmann::ordered_json row = {{"number", l->number}, {"slug", l->slug}};
            row.update(lesson_progress_json(progress.of(l->number)));
            rows.push_back(std::move(row));
        }
        const int next = next_lesson(progress);
        fmt::print(
            "{}\n",
            nlohmann::ordered_json{
                {"file", store.file().empty() ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(store.file().string())},
                {"lessons", std::move(rows)},
                {"exercises", exercises_json(progress)},
                {"next",
                 next == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(next)}}
                .dump(2));
        return exit_ok;
    }
    fmt::print("{}\n", term.paint(tr("progress.heading"), Style::Heading));
    if (!store.file().empty())
        fmt::print("{}\n",
                   term.paint(say("progress.kept_in", fmt::arg("file", store.file().string())),
                              Style::Dim));
    fmt::print(
        "\n{}\n",
        term.paint(fmt::format("  {} {} {}  {} {}", pad_right(tr("progress.col.lesson"), 13),
                               pad_left(tr("progress.col.runs"), 5),
                               pad_left(tr("progress.col.quizzes"), 7),
                               pad_right(tr("progress.col.best"), 11), tr("progress.col.passed")),
                   Style::Bold));
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        const LessonProgress p = progress.of(l->number);
        const std::string passed =
            p.passed ? term.paint((term.unicode ? "✓ " : "") + tr("progress.yes"), Style::Good)
                     : term.paint(tr("progress.no"), Style::Dim);
        // "—" is one column but three bytes: padded by columns.
        fmt::print("  {} {:<11} {:>5} {:>7}  {} {}\n",
                   term.paint(fmt::format("{}", l->number), Style::Accent), l->slug, p.runs,
                   p.quiz_attempts, pad_right(score_text(p, term.unicode), 11), passed);
    }
    fmt::print("\n{}{} {}\n", summary(progress), tr("progress.full_stop"), next_step(progress));
    fmt::print("{}", wrap_paragraphs(exercises_line(progress), term.width));
    return exit_ok;
}

}  // namespace asynclab::cli

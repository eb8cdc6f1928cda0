// `asynclab list`: one line per lesson, with the learner's progress on it.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "progress/progress_store.hpp"
#include "progress/progress_view.hpp"
#include "terminal/text.hpp"

namespace asynclab::cli {

const lessons::Lesson& require_lesson(int number) {
    if (const lessons::Lesson* l = lessons::find_lesson(number)) return *l;
    const auto all = lessons::all_lessons();
    throw UsageError(
        fmt::format("there is no lesson {}; lessons are {} to {} (see `asynclab list`)", number,
                    all.front()->number, all.back()->number));
}

int list_command(const Terminal& term, bool json) {
    const Progress progress = ProgressStore::from_environment().load();
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        const lessons::LessonText& text = lessons::lesson_text(l->number);
        if (json) {
            out.push_back({{"number", l->number},
                           {"slug", l->slug},
                           {"title", text.title},
                           {"summary", text.summary},
                           {"progress", lesson_progress_json(progress.of(l->number))}});
            continue;
        }
        const Status status = lesson_status(progress.of(l->number), term);
        // Padded before painting (colour codes take no columns), counting columns, not bytes.
        const int columns = display_width(status.text);
        const std::string padded =
            status.text + std::string(static_cast<std::size_t>(std::max(0, 9 - columns)), ' ');
        fmt::print("{}  {:<11} {} {}\n", term.paint(fmt::format("{}", l->number), Style::Accent),
                   l->slug, term.paint(padded, status.style), term.paint(text.title, Style::Bold));
        fmt::print("   {:<11} {:<9} {}\n", "", "", term.paint(text.summary, Style::Dim));
    }
    if (json) {
        fmt::print("{}\n", out.dump(2));
    } else {
        fmt::print(
            "\nRun one with `asynclab run N`; read it first with `asynclab show N`; test yourself "
            "with "
            "`asynclab quiz N`.\n{}\n",
            next_step(progress));
    }
    return exit_ok;
}

}  // namespace asynclab::cli

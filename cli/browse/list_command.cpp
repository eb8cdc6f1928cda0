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
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

const lessons::Lesson& require_lesson(int number) {
    if (const lessons::Lesson* l = lessons::find_lesson(number)) return *l;
    const auto all = lessons::all_lessons();
    throw UsageError(say("list.no_such_lesson", fmt::arg("n", number),
                         fmt::arg("first", all.front()->number),
                         fmt::arg("last", all.back()->number)));
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
        fmt::print("{}  {:<11} {} {}\n", term.paint(fmt::format("{}", l->number), Style::Accent),
                   l->slug, term.paint(pad_right(status.text, 9), status.style),
                   term.paint(text.title, Style::Bold));
        fmt::print("   {:<11} {:<9} {}\n", "", "", term.paint(text.summary, Style::Dim));
    }
    if (json) {
        fmt::print("{}\n", out.dump(2));
    } else {
        fmt::print("\n{}{}{}", wrap_paragraphs(tr("list.how"), term.width),
                   wrap_paragraphs(next_step(progress), term.width),
                   wrap_paragraphs(exercises_line(progress), term.width));
    }
    return exit_ok;
}

}  // namespace asynclab::cli

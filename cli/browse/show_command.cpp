// `asynclab show N [--code]`: read a lesson, or the C++ that `run N` executes.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/prose_lookup.hpp"
#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

std::string_view lesson_source(const lessons::Lesson& lesson) {
    const auto files = lessons::embedded_sources();
    auto it = std::find_if(files.begin(), files.end(), [&](const lessons::EmbeddedFile& f) {
        return f.path == lesson.source_file();
    });
    if (it == files.end()) throw std::runtime_error(tr("show.no_source"));
    return it->text;
}

/// A demo's words filled in from a run at the default knobs (the takeaway stays empty if the demo
/// failed: `run N` shows what went wrong, and the words need its figures).
struct DemoWords {
    std::string explain;
    std::string takeaway;
};

DemoWords default_words(const lessons::Lesson& lesson, const lessons::DemoSpec& spec,
                        const lessons::DemoText& text, const lessons::Knobs& defaults) {
    DemoWords words{lessons::fill_prose(text.explain, lessons::prose_lookup(defaults, lesson)), {}};
    const lessons::DemoRun run = lessons::run_demo(lesson, spec, defaults, {});
    if (!run.error) {
        words.takeaway =
            lessons::fill_prose(text.takeaway, lessons::prose_lookup(run, defaults, lesson));
    }
    return words;
}

}  // namespace

int show_command(int number, bool code, bool json, const Terminal& term) {
    const lessons::Lesson& lesson = require_lesson(number);
    const lessons::LessonText& text = lessons::lesson_text(number);
    if (code) {
        if (json) {
            fmt::print("{}\n", nlohmann::ordered_json{{"file", lesson.source_file()},
                                                      {"source", lesson_source(lesson)}}
                                   .dump(2));
        } else {
            fmt::print("{}", lesson_source(lesson));
        }
        return exit_ok;
    }
    // The texts name the run's figures: fill them from a run at the default knobs, which takes
    // milliseconds on the virtual clock, and say so.
    const lessons::Knobs defaults(lesson.knobs(), {});
    if (json) {
        nlohmann::ordered_json demos = nlohmann::ordered_json::array();
        for (const auto& d : lesson.demos) {
            const lessons::DemoText* t = text.demo(d.id);
            const DemoWords words = t ? default_words(lesson, d, *t, defaults) : DemoWords{};
            demos.push_back({{"id", d.id},
                             {"title", t ? t->title : ""},
                             {"explain", words.explain},
                             {"takeaway", words.takeaway}});
        }
        nlohmann::ordered_json knobs = nlohmann::ordered_json::array();
        for (const auto& k : lesson.knobs().specs)
            knobs.push_back({{"name", k.name}, {"default", k.default_text}, {"help", k.help}});
        fmt::print("{}\n", nlohmann::ordered_json{{"number", lesson.number},
                                                  {"slug", lesson.slug},
                                                  {"title", text.title},
                                                  {"summary", text.summary},
                                                  {"intro", text.intro},
                                                  {"knobs", knobs},
                                                  {"demos", demos}}
                               .dump(2));
        return exit_ok;
    }
    fmt::print("{}\n\n", term.paint(say("run.lesson_heading", fmt::arg("n", lesson.number),
                                        fmt::arg("title", text.title)),
                                    Style::Heading));
    fmt::print("{}\n", wrap_paragraphs(text.intro, term.width));
    fmt::print("{}\n",
               term.paint(wrap_paragraphs(say("show.figures_from", fmt::arg("n", lesson.number)),
                                          term.width),
                          Style::Dim));
    for (std::size_t i = 0; i < lesson.demos.size(); ++i) {
        const lessons::DemoSpec& spec = lesson.demos[i];
        const lessons::DemoText* t = text.demo(spec.id);
        if (t == nullptr) continue;
        const DemoWords words = default_words(lesson, spec, *t, defaults);
        fmt::print("{}\n",
                   term.paint(fmt::format("{}. {} — {}", i + 1, spec.id, t->title), Style::Bold));
        fmt::print("{}\n", wrap_paragraphs(words.explain, term.width, 3));
        if (!words.takeaway.empty())
            fmt::print("{}\n", wrap_paragraphs(words.takeaway, term.width, 3));
    }
    std::string knobs;
    for (const auto& k : lesson.knobs().specs)
        knobs += fmt::format(" --{} {}", k.name, k.default_text);
    fmt::print("{}\n", say("show.run_it", fmt::arg("n", lesson.number), fmt::arg("knobs", knobs)));
    return exit_ok;
}

}  // namespace asynclab::cli

// `asynclab show N [--code [python|cpp]]`: read a lesson with its asyncio code, or one listing:
// the lesson's asyncio twin (a program the learner can run with python3) or the C++ that `run N`
// executes.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/prose_lookup.hpp"
#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "run/demo_page.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

std::string_view embedded(const std::string& path) {
    const lessons::EmbeddedFile* file = lessons::embedded_source(path);
    if (file == nullptr) throw std::runtime_error(say("show.not_in_build", fmt::arg("path", path)));
    return file->text;
}

/// The twin's `async def` for a demo, from its first line to the last line of its body (the
/// next line at the left margin ends it), or "" if the twin has none.
std::string demo_function(std::string_view twin, const std::string& function) {
    const std::string head = fmt::format("async def {}(", function);
    std::size_t start = twin.starts_with(head) ? 0 : twin.find("\n" + head);
    if (start == std::string_view::npos) return "";
    if (start != 0) ++start;
    std::size_t end = twin.find('\n', start);
    while (end != std::string_view::npos && end + 1 < twin.size()) {
        const char next = twin[end + 1];
        if (next != ' ' && next != '\n') break;
        end = twin.find('\n', end + 1);
    }
    std::string body(twin.substr(start, end == std::string_view::npos ? twin.npos : end - start));
    while (!body.empty() && body.back() == '\n') body.pop_back();
    return body;
}

/// A demo's code under its words, indented like them. The twins keep these functions within 76
/// columns; a terminal narrower than that cuts a line, marked, rather than break Python's
/// indentation (the whole program is a `show N --code` away).
std::string code_block(const std::string& text, const Terminal& term) {
    std::string out;
    const std::string pad(3, ' ');
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + start, end - start);
        out += line.empty()
                   ? "\n"
                   : fmt::format("{}{}\n", pad, cut_to_width(line, term.width - 3, term.unicode));
        start = end + 1;
    }
    return out;
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

int show_command(int number, Listing listing, bool json, const Terminal& term) {
    const lessons::Lesson& lesson = require_lesson(number);
    const lessons::LessonText& text = lessons::lesson_text(number);
    const std::string twin_path = lessons::twin_file(lesson);
    if (listing != Listing::None) {
        const std::string path = listing == Listing::Cpp ? lesson.source_file() : twin_path;
        if (json) {
            fmt::print("{}\n",
                       nlohmann::ordered_json{{"file", path}, {"source", embedded(path)}}.dump(2));
        } else {
            fmt::print("{}", embedded(path));
        }
        return exit_ok;
    }
    const std::string_view twin = embedded(twin_path);
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
                             {"takeaway", words.takeaway},
                             {"python", demo_function(twin, lessons::twin_function(d.id))}});
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
                                                  {"twin", twin_path},
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
        const std::string code = demo_function(twin, lessons::twin_function(spec.id));
        if (!code.empty()) fmt::print("{}\n", code_block(code, term));
        if (!words.takeaway.empty())
            fmt::print("{}\n", wrap_paragraphs(words.takeaway, term.width, 3));
    }
    std::string knobs;
    for (const auto& k : lesson.knobs().specs)
        knobs += fmt::format(" --{} {}", k.name, k.default_text);
    fmt::print("{}\n", say("show.run_it", fmt::arg("n", lesson.number), fmt::arg("knobs", knobs)));
    fmt::print("{}\n", say("show.whole_program", fmt::arg("n", lesson.number),
                           fmt::arg("file", twin_path.substr(twin_path.rfind('/') + 1))));
    fmt::print("{}\n", say("show.cpp_listing", fmt::arg("n", lesson.number)));
    return exit_ok;
}

}  // namespace asynclab::cli

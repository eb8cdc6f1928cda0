// `asynclab hint NAME`: hints one tier at a time (a nudge, then the idea, then the shape of the
// code). Each call shows one more tier, with the ones seen before; progress keeps the count.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "exercise/exercise.hpp"
#include "progress/progress_store.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

int hint_command(const std::string& name, bool json, const Terminal& term) {
    const Exercise& e = require_exercise(name);
    const int tiers = static_cast<int>(e.hints.size());
    ProgressStore store = ProgressStore::from_environment();
    int tier = 0;
    // Unsaved (no home, say), the learner still gets the next hint of this session: the first.
    if (!store.update([&](Progress& p) { tier = p.record_hint(e.name, tiers); })) tier = 1;
    if (json) {
        nlohmann::ordered_json shown = nlohmann::ordered_json::array();
        for (int i = 0; i < tier; ++i) shown.push_back(e.hints[static_cast<std::size_t>(i)]);
        fmt::print(
            "{}\n",
            nlohmann::ordered_json{
                {"exercise", e.name}, {"tier", tier}, {"tiers", tiers}, {"hints", std::move(shown)}}
                .dump(2));
        return exit_ok;
    }
    const int width = std::max(40, term.width);
    fmt::print("{}\n", term.paint(wrap_paragraphs(say("hint.heading", fmt::arg("name", e.name),
                                                      fmt::arg("title", e.title)),
                                                  width),
                                  Style::Heading));
    for (int i = 0; i < tier; ++i) {
        const bool newest = i + 1 == tier;
        fmt::print("{}\n",
                   term.paint(say("hint.tier", fmt::arg("tier", i + 1), fmt::arg("tiers", tiers)),
                              newest ? Style::Bold : Style::Dim));
        const std::string text = wrap_paragraphs(e.hints[static_cast<std::size_t>(i)], width, 2);
        fmt::print("{}\n", newest ? text : term.paint(text, Style::Dim));
    }
    fmt::print("{}", wrap_paragraphs(tier < tiers ? say("hint.more", fmt::arg("name", e.name),
                                                        fmt::arg("left", tiers - tier))
                                                  : say("hint.last", fmt::arg("name", e.name)),
                                     width));
    return exit_ok;
}

}  // namespace asynclab::cli

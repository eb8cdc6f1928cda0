// One screen at a time, as a learner at a terminal of 60, 80 or 120 columns sees `run`: no line
// is wider than the terminal, long figures are summarised (in full only in --json), and each
// demo's watch line sits just above its timeline.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "asynclab/lessons/language.hpp"
#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/prose.hpp"
#include "asynclab/lessons/prose_lookup.hpp"
#include "asynclab/lessons/text.hpp"
#include "asynclab/lessons/trim_split.hpp"
#include "process.hpp"
#include "quiz/quiz.hpp"
#include "quiz_helpers.hpp"
#include "terminal/text.hpp"

using namespace asynclab::testing;
using nlohmann::json;

namespace {

Result run_at(int columns, std::vector<std::string> args, const std::string& lang = "en") {
    args.insert(args.begin(), "run");
    args.insert(args.end(), {"--clock", "virtual", "--no-pause", "--lang", lang});
    return run_cli(args, {fmt::format("COLUMNS={}", columns), "NO_COLOR=1", "LANG=C.UTF-8"});
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// A legend item: a mark's glyph, then a space (a lane starts with its task's name).
bool legend_line(std::string_view line) {
    static const std::vector<std::string_view> glyphs{"·", "░", "▒", "┃", "█", "y", "?", "t",
                                                      "p", "P", "e", "l", "s", "j", "q", "Q",
                                                      "b", "i", "⊘", "✗", "✓", "═", "╌", "×"};
    for (std::string_view g : glyphs) {
        if (line.starts_with(g) && line.substr(g.size()).starts_with(' ')) return true;
    }
    return false;
}

/// Every timeline of `out`: each lane's bar starts at the column its axis starts, counted in
/// display columns (a Han character in a lane's name takes two). Returns how many lanes it saw.
int check_lanes_aligned(const std::string& out) {
    const std::vector<std::string> lines = lines_of(out);
    int lanes = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view axis = asynclab::lessons::trim(lines[i]);
        if (!axis.starts_with("┬") || lines[i].starts_with("┬")) continue;
        const int start = static_cast<int>(lines[i].find("┬"));  // spaces before it: one byte each
        for (std::size_t j = i + 1; j < lines.size() && !lines[j].empty() && !legend_line(lines[j]);
             ++j) {
            CAPTURE(lines[j]);
            const std::string_view name = asynclab::cli::display_head(lines[j], start);
            CHECK(asynclab::cli::display_width(name) == start);
            CHECK(name.ends_with(' '));
            CHECK_FALSE(asynclab::lessons::trim(name).empty());
            ++lanes;
        }
    }
    return lanes;
}

void check_fits(int columns, const std::vector<std::string>& args, const std::string& lang = "en") {
    const Result r = run_at(columns, args, lang);
    CAPTURE(columns);
    CAPTURE(lang);
    CAPTURE(fmt::format("{}", fmt::join(args, " ")));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    for (const std::string& line : lines_of(r.out)) {
        CAPTURE(line);
        CHECK(asynclab::cli::display_width(line) <= columns);
    }
    CHECK(check_lanes_aligned(r.out) > 0);
}

}  // namespace

TEST_CASE("every lesson fits a terminal of 60, 80 and 120 columns, in every language") {
    for (const auto& language : asynclab::lessons::languages()) {
        for (int columns : {60, 80, 120}) {
            for (const asynclab::lessons::Lesson* l : asynclab::lessons::all_lessons())
                check_fits(columns, {std::to_string(l->number)}, std::string(language.code));
        }
    }
}

TEST_CASE("a lane whose name has Han characters starts its bar with the others") {
    // Lesson 6's breaker lane is named in the learner's language: 熔断器, six columns.
    const Result r = run_at(80, {"6", "--demo", "breaker"}, "zh");
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out.find("\n熔断器") != std::string::npos);
    CHECK(check_lanes_aligned(r.out) > 3);
}

std::string quiz_home() {
    return (std::filesystem::temp_directory_path() / fmt::format("asynclab-screen-{}", getpid()))
        .string();
}

TEST_CASE("the quiz fits the terminal in every language") {
    for (const auto& language : asynclab::lessons::languages()) {
        for (int columns : {60, 80}) {
            for (const asynclab::lessons::Lesson* l : asynclab::lessons::all_lessons()) {
                const std::string n = std::to_string(l->number);
                for (const std::vector<std::string>& args :
                     {std::vector<std::string>{"quiz", n, "--seed", "1", "--lang",
                                               std::string(language.code)},
                      std::vector<std::string>{"quiz", n, "--seed", "2", "--answers",
                                               asynclab::testing::placeholder_answers(l->number, 2),
                                               "--lang", std::string(language.code)}}) {
                    // Its own progress file: these attempts are not the other tests' business.
                    const Result r =
                        run_cli(args, {fmt::format("COLUMNS={}", columns), "NO_COLOR=1",
                                       "LANG=C.UTF-8", "ASYNCLAB_HOME=" + quiz_home()});
                    CAPTURE(fmt::format("{}", fmt::join(args, " ")));
                    for (const std::string& line : lines_of(r.out)) {
                        CAPTURE(line);
                        CHECK(asynclab::cli::display_width(line) <= columns);
                    }
                }
            }
        }
    }
    std::filesystem::remove_all(quiz_home());
}

TEST_CASE("knobs that make long lines and long figures still fit the terminal") {
    for (int columns : {60, 80}) {
        check_fits(columns, {"3", "--maxsize", "0", "--items", "1000"});
        check_fits(columns, {"3", "--workers", "7", "--items", "200", "--maxsize", "1"});
        check_fits(columns, {"6", "--urls", "60", "--fail-rate", "0.9"});
        check_fits(columns, {"4", "--tasks", "40", "--limit", "7"});
        check_fits(columns, {"1", "--delays", "0.001,2.5,0.25,1,1"});
        check_fits(columns, {"3", "--workers", "7", "--items", "200", "--maxsize", "1"}, "zh");
        check_fits(columns, {"6", "--urls", "60", "--fail-rate", "0.9"}, "zh");
    }
}

TEST_CASE("a long list is cut with a count in the summary and given in full by --json") {
    const Result r = run_at(80, {"3", "--maxsize", "0", "--items", "1000"});
    REQUIRE(r.exit_code == 0);
    // The record is too wide for a line: one line per worker, its items cut with their count.
    const std::size_t at = r.out.find("  handled by        w0: 0, 2, 4, ");
    REQUIRE(at != std::string::npos);
    const std::string w0 = r.out.substr(at, r.out.find('\n', at) - at);
    CHECK(w0.ends_with("… (500 items)"));
    CHECK(r.out.find("\n                    w1: 1, 3, 5, ") != std::string::npos);

    const Result j =
        run_cli({"run", "3", "--maxsize", "0", "--items", "1000", "--clock", "virtual", "--json"},
                {"COLUMNS=60"});
    REQUIRE(j.exit_code == 0);
    const json handled = json::parse(j.out)["demos"][0]["metrics"]["handled_by"];
    CHECK(handled["w0"].size() == 500);
    CHECK(handled["w1"].size() == 500);
    CHECK(handled["w0"].back() == 998);
}

TEST_CASE("a list that fits is shown whole") {
    const Result r = run_at(80, {"6", "--demo", "retry"});
    REQUIRE(r.exit_code == 0);
    const Result j =
        run_cli({"run", "6", "--demo", "retry", "--clock", "virtual", "--json"}, {"COLUMNS=80"});
    REQUIRE(j.exit_code == 0);
    const json attempts = json::parse(j.out)["demos"][0]["metrics"]["attempts"];
    REQUIRE(attempts.size() == 20);
    std::string whole;
    for (const auto& a : attempts) whole += (whole.empty() ? "" : ", ") + a.dump();
    CHECK(r.out.find("  attempts         " + whole + "\n") != std::string::npos);
}

TEST_CASE("the watch line, filled from the knobs, is the line just above the timeline") {
    const auto line_after_watch = [](const Result& r, const std::string& watch) {
        // A blank line, the watch line, then at once the timeline.
        const std::size_t at = r.out.find("\n\n  " + watch + "\n");
        REQUIRE_MESSAGE(at != std::string::npos, r.out);
        const std::size_t next = at + 4 + watch.size() + 1;
        return r.out.substr(next, r.out.find('\n', next) - next);
    };
    const Result waves = run_at(80, {"4", "--demo", "limit", "--limit", "4"});
    REQUIRE(waves.exit_code == 0);
    // The timeline's first row is its time axis, from 0.
    const auto axis = [](const std::string& line) {
        return asynclab::lessons::trim(line).starts_with("0");
    };
    CHECK(axis(line_after_watch(waves, "Watch for: waiting lanes start running, 4 at a time")));
    const Result none = run_at(80, {"4", "--demo", "limit", "--limit", "10"});
    CHECK(axis(line_after_watch(none, "Watch for: no lane waits: there are permits for all")));
    // Cut to the width, never wrapped: still one line.
    const Result narrow = run_at(40, {"4", "--demo", "lock"});
    const std::size_t at = narrow.out.find("\n  Watch for: every read");
    REQUIRE(at != std::string::npos);
    const std::string cut = narrow.out.substr(at + 1, narrow.out.find('\n', at + 1) - at - 1);
    CHECK(cut.ends_with("…"));
    CHECK(asynclab::cli::display_width(cut) == 40);
}

TEST_CASE("every demo of every lesson has a watch line of one short line at the defaults") {
    namespace lessons = asynclab::lessons;
    for (const lessons::Lesson* lesson : lessons::all_lessons()) {
        const lessons::LessonText& text = lessons::lesson_text(lesson->number, "en");
        const lessons::Knobs knobs = lessons::parse_knobs(*lesson, {});
        for (const auto& demo : lesson->demos) {
            CAPTURE(demo.id);
            const lessons::DemoText* words = text.demo(demo.id);
            REQUIRE(words != nullptr);
            const std::string watch =
                lessons::fill_prose(words->watch, lessons::prose_lookup(knobs, *lesson));
            CHECK(watch.starts_with("Watch for: "));
            // Two columns of indent: whole at 60 columns.
            CHECK(asynclab::cli::display_width(watch) <= 58);
        }
    }
}

TEST_CASE("a watch line of two lines is refused with its file and line") {
    CHECK_THROWS_WITH_AS(
        asynclab::lessons::parse_lesson_text(
            "x.toml",
            "[lesson]\nnumber = 1\nslug = \"s\"\ntitle = \"t\"\nsummary = \"s\"\nintro = \"i\"\n"
            "[demo.d]\ntitle = \"t\"\nexplain = \"e\"\ntakeaway = \"k\"\nwatch = \"a\\nb\"\n"),
        "x.toml:11:9: 'watch' must be one line", asynclab::lessons::TextError);
}

// Every lesson's text: it parses, it covers every demo the lesson runs, its questions are sound;
// and a malformed file is reported with its file and line.
#include <doctest/doctest.h>

#include <set>

#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"

using namespace asynclab::lessons;

/// The lesson files, without the languages' folders (lesson_data/zh/...).
std::vector<EmbeddedFile> lesson_files() {
    std::vector<EmbeddedFile> out;
    for (const EmbeddedFile& f : embedded_data()) {
        if (f.path.find('/', std::string_view("lesson_data/").size()) == std::string_view::npos)
            out.push_back(f);
    }
    return out;
}

TEST_CASE("every lesson_data file parses and matches its lesson") {
    REQUIRE(lesson_files().size() == all_lessons().size());
    for (const EmbeddedFile& f : lesson_files()) {
        CAPTURE(f.path);
        const LessonText text = parse_lesson_text(f.path, f.text);
        CHECK(text.questions.size() >= 5);
        CHECK(std::any_of(text.questions.begin(), text.questions.end(),
                          [](const Question& q) { return q.predict.has_value(); }));
        for (const Question& q : text.questions) {
            CAPTURE(q.line);
            CHECK(!q.explain.empty());
            if (!q.predict) {
                CHECK(!q.answer.empty());
                continue;
            }
            const Lesson* lesson = find_lesson(text.number);
            if (lesson == nullptr) continue;  // not implemented yet
            CHECK(lesson->demo(q.predict->demo) != nullptr);
            for (const auto& [name, draw] : q.predict->knobs) CHECK(lesson->knob(name) != nullptr);
        }
        if (const Lesson* lesson = find_lesson(text.number)) {
            CHECK(text.slug == lesson->slug);
            std::set<std::string> ids;
            for (const auto& d : lesson->demos) ids.insert(d.id);
            std::set<std::string> texts;
            for (const auto& d : text.demos) texts.insert(d.id);
            CHECK(ids == texts);
        }
    }
}

TEST_CASE("a malformed file is reported with its name, line and column") {
    CHECK_THROWS_WITH_AS(parse_lesson_text("x.toml", "[lesson]\nnumber = 1\ntitle = \n"),
                         doctest::Contains("x.toml:3:"), TextError);
    CHECK_THROWS_WITH_AS(parse_lesson_text("x.toml", "[lesson]\nnumber = \"one\"\n"),
                         "x.toml:2:10: 'number' must be a whole number", TextError);
    const char* bad_answer = R"([lesson]
number = 1
slug = "s"
title = "t"
summary = "s"
intro = "i"
[demo.d]
title = "t"
explain = "e"
takeaway = "k"
[[question]]
prompt = "p"
choices = ["x", "y"]
answer = "c"
explain = "e"
)";
    CHECK_THROWS_WITH_AS(parse_lesson_text("q.toml", bad_answer),
                         "q.toml:14:10: an answer must be a letter from a to b", TextError);
}

TEST_CASE("knobs: defaults, overrides and one clear line for a bad value") {
    const Lesson& tasks = *find_lesson(1);
    Knobs defaults(tasks.knobs(), {});
    CHECK(defaults.seconds_list("delays").size() == 3);
    CHECK_THROWS_WITH_AS(Knobs(tasks.knobs(), {{"delays", "x"}}),
                         "--delays: 'x' is not valid; expected a comma-separated list of up to 10 "
                         "seconds from 0 to 60, like 1.0,1.5,0.5",
                         KnobError);
    CHECK_THROWS_AS(Knobs(tasks.knobs(), {{"delays", "1,,2"}}), KnobError);
    CHECK_THROWS_AS(Knobs(tasks.knobs(), {{"delays", "-1"}}), KnobError);
    CHECK_THROWS_AS(Knobs(tasks.knobs(), {{"delays", "1,1,1,1,1,1,1,1,1,1,1"}}), KnobError);
    CHECK(Knobs(tasks.knobs(), {{"delays", "1,1,1,1,1,1,1,1,1,1"}}).seconds_list("delays").size() ==
          10);
    const Lesson& timeouts = *find_lesson(2);
    CHECK_THROWS_AS(Knobs(timeouts.knobs(), {{"timeout", "nan"}}), KnobError);
    CHECK_THROWS_AS(Knobs(timeouts.knobs(), {{"timeout", "1e9"}}), KnobError);
    CHECK(Knobs(timeouts.knobs(), {{"timeout", "0.5"}}).seconds("timeout") == asynclab::secs(0.5));
}

TEST_CASE("a knob table: its kinds, ranges and limits are checked, with file and line") {
    const std::string head = R"([lesson]
number = 1
slug = "s"
title = "t"
summary = "s"
intro = "i"
[demo.d]
title = "t"
explain = "e"
takeaway = "k"
)";
    const std::string knob = R"([[knob]]
name = "n"
kind = "count"
default = "2"
min = 1
max = 10
help = "h"
)";
    const LessonText ok = parse_lesson_text("k.toml", head + knob);
    REQUIRE(ok.knobs.specs.size() == 1);
    CHECK(ok.knobs.specs[0].kind == KnobKind::Count);
    CHECK_THROWS_WITH_AS(parse_lesson_text("k.toml", head + R"([[knob]]
name = "n"
kind = "colour"
)"),
                         "k.toml:13:8: 'kind' must be seconds, count, threads, seconds-list or "
                         "fraction",
                         TextError);
    CHECK_THROWS_WITH_AS(parse_lesson_text("k.toml", head + R"([[knob]]
name = "n"
kind = "count"
default = "20"
min = 1
max = 10
help = "h"
)"),
                         doctest::Contains("the default is not valid: --n: '20' is not valid"),
                         TextError);
    CHECK_THROWS_WITH_AS(parse_lesson_text("k.toml", head + knob + R"([[knob_limit]]
times = ["n", "m"]
max = 5
what = "w"
)"),
                         "k.toml:19:15: 'times' must list knobs of this lesson", TextError);
    const LessonText bound = parse_lesson_text("k.toml", head + knob + R"([[knob_limit]]
times = ["n"]
scale = 2
max = 10
what = "things"
)");
    CHECK_NOTHROW(Knobs(bound.knobs, {{"n", "5"}}));
    CHECK_THROWS_WITH_AS(Knobs(bound.knobs, {{"n", "6"}}),
                         "--n would make 12 things; at most 10 are drawn: lower one of them",
                         KnobError);
}

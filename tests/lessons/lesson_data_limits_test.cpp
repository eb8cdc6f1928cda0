// What an author (or a damaged file under ASYNCLAB_LESSON_DATA) can put in lesson data: every
// value out of range is one clear "file:line:column: ..." error, and no file, however mangled or
// deeply nested, crashes the loader. The fuzzing is seeded and bounded, so it runs in CI.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/text.hpp"

using namespace asynclab::lessons;

namespace {

/// A valid file with one question; `question` replaces its body.
std::string lesson_file(const std::string& lesson_number, const std::string& question) {
    return "[lesson]\nnumber = " + lesson_number +
           "\nslug = \"s\"\ntitle = \"t\"\nsummary = \"s\"\nintro = \"i\"\n"
           "[demo.d]\ntitle = \"t\"\nexplain = \"e\"\ntakeaway = \"k\"\n"
           "[[question]]\nprompt = \"p\"\nexplain = \"e\"\n" +
           question;
}

const std::string choice_question = "choices = [\"x\", \"y\"]\nanswer = \"a\"\n";

std::string predict_question(const std::string& tolerance) {
    return "predict = { demo = \"d\", metric = \"duration_s\", unit = \"s\", tolerance = " +
           tolerance + " }\n";
}

/// The error parsing `text` reports, or "(parsed)".
std::string error_of(const std::string& text) {
    try {
        (void)parse_lesson_text("f.toml", text);
    } catch (const TextError& e) {
        return e.what();
    }
    return "(parsed)";
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// Parses `text`: fine, or a TextError naming the file; anything else fails the test.
void parses_or_reports(const std::string& text) {
    try {
        (void)parse_lesson_text("f.toml", text);
    } catch (const TextError& e) {
        CHECK(std::string(e.what()).starts_with("f.toml:"));
    }
}

}  // namespace

TEST_CASE("the template parses") {
    CHECK(parse_lesson_text("f.toml", lesson_file("3", choice_question)).number == 3);
    CHECK(parse_lesson_text("f.toml", lesson_file("3", predict_question("0.5")))
              .questions[0]
              .predict->tolerance == 0.5);
    CHECK(parse_lesson_text("f.toml", lesson_file("3", predict_question("1")))
              .questions[0]
              .predict->tolerance == 1.0);
}

TEST_CASE("a lesson number that does not fit is refused, not truncated") {
    CHECK_THROWS_WITH_AS(
        parse_lesson_text("f.toml", lesson_file("4294967299", choice_question)),
        "f.toml:2:10: 'number' is 4294967299; it must be a whole number from 1 to 99", TextError);
    CHECK_THROWS_WITH_AS(parse_lesson_text("f.toml", lesson_file("0", choice_question)),
                         "f.toml:2:10: 'number' is 0; it must be a whole number from 1 to 99",
                         TextError);
    CHECK_THROWS_WITH_AS(parse_lesson_text("f.toml", lesson_file("-3", choice_question)),
                         doctest::Contains("must be a whole number from 1 to 99"), TextError);
}

TEST_CASE("a question with more choices than letters is refused") {
    std::string choices = "choices = [";
    for (int i = 0; i < 30; ++i) choices += "\"c\", ";
    choices += "]\nanswer = \"a\"\n";
    CHECK_THROWS_WITH_AS(parse_lesson_text("f.toml", lesson_file("3", choices)),
                         "f.toml:14:11: 'choices' lists 30 answers; at most 26 (a to z)",
                         TextError);
    std::string twenty_six = "choices = [";
    for (int i = 0; i < 26; ++i) twenty_six += "\"c\", ";
    twenty_six += "]\nanswer = \"z\"\n";
    CHECK(parse_lesson_text("f.toml", lesson_file("3", twenty_six)).questions[0].answer ==
          std::vector<int>{25});
}

TEST_CASE("a tolerance that is not a number, or not finite, or negative, is refused") {
    for (const char* bad : {"\"x\"", "nan", "inf", "-inf", "-0.1", "true", "[1]"}) {
        CAPTURE(bad);
        const std::string e = error_of(lesson_file("3", predict_question(bad)));
        CHECK(e.starts_with("f.toml:14:"));
        CHECK(has(e, "'tolerance' must be a number, 0 or more"));
    }
}

TEST_CASE("knob bounds that are not finite are refused") {
    const std::string q = predict_question("0.1") + "knobs = { work = [0.1, inf, 0.1] }\n";
    CHECK_THROWS_WITH_AS(parse_lesson_text("f.toml", lesson_file("3", q)),
                         doctest::Contains("range bounds must be numbers"), TextError);
}

TEST_CASE("nesting deeper than a few levels is refused before toml++ sees it") {
    const int depth = 50'000;
    std::string dotted;
    for (int i = 0; i < depth; ++i) dotted += "a.";
    const std::string base = lesson_file("3", choice_question);
    CHECK_THROWS_WITH_AS(
        parse_lesson_text("f.toml", base + dotted + "b = 1\n"),
        "f.toml:16:66: nested more than 32 levels deep (dotted keys, table headers "
        "and brackets together)",
        TextError);
    CHECK(error_of(base + "[" + dotted + "b]\n").starts_with("f.toml:16:65: nested more"));
    CHECK(error_of(base + "[[" + dotted + "b]]\n").starts_with("f.toml:16:64: nested more"));
    CHECK(error_of(base + "x = " + std::string(depth, '[') + "\n")
              .starts_with("f.toml:16:37: nested more"));
    std::string inline_tables = "x = ";
    for (int i = 0; i < depth; ++i) inline_tables += "{a=";
    CHECK(has(error_of(base + inline_tables + "\n"), "nested more"));
    // Dots inside strings, comments and numbers nest nothing.
    std::string numbers;
    for (int i = 0; i < 100; ++i) numbers += "1.5, ";
    CHECK_NOTHROW(parse_lesson_text("f.toml", base + "x = \"" + dotted + "\"\ny = [" + numbers +
                                                  "]\n# " + dotted + "\nz = '''\n" + dotted +
                                                  "'''\n"));
}

TEST_CASE("a file too large for lesson data is refused") {
    const std::string big =
        lesson_file("3", choice_question) + "x = \"" + std::string(2 << 20, 'x') + "\"\n";
    CHECK(error_of(big).starts_with("f.toml:1:1: the file is"));
    CHECK(has(error_of(big), "lesson data is at most 1048576"));
}

TEST_CASE("fuzz: random byte mutations of every lesson file never crash the loader") {
    std::mt19937_64 rng(20261129);  // fixed: a failure replays
    const std::string bytes = "[]{}=.,\"'#\\\n abz019-+_:\x00\xff\xc3";
    for (const EmbeddedFile& f : embedded_data()) {
        CAPTURE(f.path);
        for (int round = 0; round < 300; ++round) {
            std::string text(f.text);
            const int edits = 1 + static_cast<int>(rng() % 8);
            for (int e = 0; e < edits && !text.empty(); ++e) {
                const std::size_t at = rng() % text.size();
                const char c =
                    rng() % 2 == 0 ? static_cast<char>(rng() % 256) : bytes[rng() % (bytes.size())];
                switch (rng() % 4) {
                    case 0:
                        text[at] = c;
                        break;
                    case 1:
                        text.insert(at, 1, c);
                        break;
                    case 2:
                        text.erase(at, 1 + rng() % 16);
                        break;
                    default:
                        text.insert(at, text.substr(rng() % text.size(), rng() % 64));
                        break;
                }
            }
            CAPTURE(round);
            parses_or_reports(text);
        }
    }
}

TEST_CASE("fuzz: nesting of every kind at random depths never crashes the loader") {
    std::mt19937_64 rng(14);
    const std::string base = lesson_file("3", choice_question);
    // Openers of one level and what closes them; mixed at random, as deep as the draw says.
    struct Level {
        const char* open;
        const char* close;
    };
    const Level levels[] = {{"a.", ""},     {"\"q.q\".", ""}, {"[", "]"},     {"{a=", "}"},
                            {"[{a=", "}]"}, {"{a.b=", "}"},   {"[ \n", "\n]"}};
    for (int round = 0; round < 200; ++round) {
        const int depth =
            round < 100 ? static_cast<int>(rng() % 40) : static_cast<int>(rng() % 100'000);
        std::string head;
        std::vector<const char*> closers;
        const int style = static_cast<int>(rng() % 3);
        for (int d = 0; d < depth; ++d) {
            const Level& l = levels[rng() % std::size(levels)];
            head += l.open;
            closers.push_back(l.close);
        }
        std::string text = base;
        std::string tail;
        for (auto it = closers.rbegin(); it != closers.rend(); ++it) tail += *it;
        if (style == 0) text += "x = " + head + "1" + tail + "\n";
        if (style == 1) text += "[t." + head + "b]\nk = 1\n";
        if (style == 2) text += head + "b = 1" + tail + "\n";
        CAPTURE(round);
        CAPTURE(depth);
        parses_or_reports(text);
    }
}

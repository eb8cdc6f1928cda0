// Every word in every language: a text, demo, question, choice, knob help or CLI message that
// exists in English and not in another language (or the other way round) fails here, and so does
// a placeholder one language names and the other does not.
#include <doctest/doctest.h>

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/language.hpp"
#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"
#include "asynclab/lessons/trim_split.hpp"

using namespace asynclab::lessons;

namespace {

bool is_keyword(const std::string& word) {
    static const std::set<std::string> words{"if",  "elif", "else", "end",   "and",
                                             "or",  "not",  "ceil", "floor", "round",
                                             "abs", "min",  "max",  "pow",   "len"};
    return words.contains(word);
}

/// The names a lesson text reads inside its braces: "{if lost == 0}" reads lost, "{n|item|items}"
/// reads n; the words of a plural and an fmt spec are not names.
std::set<std::string> prose_names(std::string_view text) {
    std::set<std::string> names;
    static const std::regex name(R"([A-Za-z_][A-Za-z0-9_.]*)");
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '{') continue;
        if (i + 1 < text.size() && text[i + 1] == '{') {
            ++i;
            continue;
        }
        const std::size_t close = text.find('}', i);
        if (close == std::string_view::npos) break;
        std::string inside(text.substr(i + 1, close - i - 1));
        inside = inside.substr(0, inside.find_first_of(":|"));
        for (std::sregex_iterator it(inside.begin(), inside.end(), name), end; it != end; ++it) {
            if (!is_keyword(it->str())) names.insert(it->str());
        }
        i = close;
    }
    return names;
}

/// The fmt named arguments a message reads: "{n}", "{max:g}".
std::set<std::string> message_names(std::string_view text) {
    std::set<std::string> names;
    // Literal braces first, so that "{{x}}" names nothing.
    const std::string s =
        std::regex_replace(std::regex_replace(std::string(text), std::regex(R"(\{\{)"), ""),
                           std::regex(R"(\}\})"), "");
    static const std::regex arg(R"(\{([A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\})");
    for (std::sregex_iterator it(s.begin(), s.end(), arg), end; it != end; ++it)
        names.insert((*it)[1].str());
    return names;
}

void same_names(const std::string& what, const std::string& english, const std::string& other) {
    CAPTURE(what);
    CHECK(prose_names(english) == prose_names(other));
}

void has(const std::string& what, const std::optional<std::string>& words, bool english_has) {
    CAPTURE(what);
    CHECK(words.has_value() == english_has);
    if (words && english_has) CHECK_FALSE(words->empty());
}

}  // namespace

TEST_CASE("the placeholder readers see what a text names") {
    CHECK(prose_names("{if lost == 0}none{else}{lost} {lost|update|updates}{end} {{x}} "
                      "{ceil(tasks / limit) * work:.3f} {handled_by.w0}") ==
          std::set<std::string>{"lost", "tasks", "limit", "work", "handled_by.w0"});
    CHECK(message_names("{n} of {total:>3} {{literal}}") == std::set<std::string>{"n", "total"});
}

TEST_CASE("every lesson has every word in every language, with the same placeholders") {
    for (const Language& language : languages()) {
        if (language.code == languages().front().code) continue;
        for (const Lesson* lesson : all_lessons()) {
            CAPTURE(language.code);
            CAPTURE(lesson->number);
            const LessonText& en = lesson_text(lesson->number, "en");
            const std::optional<LessonWords> words = lesson_words(lesson->number, language.code);
            REQUIRE_MESSAGE(words.has_value(), "no lesson_data/", language.code, "/ file");
            has("title", words->title, true);
            has("summary", words->summary, true);
            has("intro", words->intro, true);
            for (const DemoText& d : en.demos) {
                CAPTURE(d.id);
                const auto it = words->demos.find(d.id);
                REQUIRE_MESSAGE(it != words->demos.end(), "demo.", d.id, " is missing");
                const LessonWords::Demo& w = it->second;
                has("demo title", w.title, true);
                has("explain", w.explain, true);
                has("takeaway", w.takeaway, true);
                has("watch", w.watch, !d.watch.empty());
                same_names("explain", d.explain, w.explain.value_or(""));
                same_names("takeaway", d.takeaway, w.takeaway.value_or(""));
                same_names("watch", d.watch, w.watch.value_or(""));
            }
            for (const KnobSpec& k : en.knobs.specs) {
                CAPTURE(k.name);
                CHECK(words->knob_help.contains(k.name));
            }
            CHECK(words->knob_limit_what.size() == en.knobs.limits.size());
            for (const auto& what : words->knob_limit_what) has("knob_limit what", what, true);
            REQUIRE(words->questions.size() == en.questions.size());
            for (std::size_t i = 0; i < en.questions.size(); ++i) {
                CAPTURE(i + 1);
                const Question& q = en.questions[i];
                const LessonWords::Question& w = words->questions[i];
                has("prompt", w.prompt, true);
                has("explain", w.explain, true);
                CHECK(w.choices.has_value() == !q.choices.empty());
                same_names("prompt", q.prompt, w.prompt.value_or(""));
                same_names("explain", q.explain, w.explain.value_or(""));
                if (w.choices) {
                    for (std::size_t c = 0; c < q.choices.size(); ++c)
                        same_names("choice", q.choices[c], (*w.choices)[c]);
                }
            }
        }
    }
}

TEST_CASE("every message exists in every language, with the same placeholders") {
    const auto& english = message_catalog(languages().front());
    REQUIRE(english.size() > 100);
    for (const Language& language : languages()) {
        CAPTURE(language.code);
        const auto& catalog = message_catalog(language);
        for (const auto& [id, text] : english) {
            CAPTURE(id);
            const auto it = catalog.find(id);
            REQUIRE_MESSAGE(it != catalog.end(), id, " is missing");
            CHECK_FALSE(it->second.empty());
            CHECK(message_names(it->second) == message_names(text));
        }
        for (const auto& [id, text] : catalog) {
            CAPTURE(id);
            CHECK_MESSAGE(english.contains(id), id, " is not an English message");
        }
    }
}

TEST_CASE("every message the CLI asks for is in the catalog") {
    // Literal ids in tr("...") and say("...") across cli/ and lessons/ (ids built at run time,
    // "main.label.{}", are left out).
    const auto& english = message_catalog(languages().front());
    static const std::regex call(R"re(\b(?:tr|say)\(\s*"([a-z_.]+)")re");
    std::size_t found = 0;
    for (const char* dir : {ASYNCLAB_SOURCE_DIR "/cli", ASYNCLAB_SOURCE_DIR "/lessons"})
        for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
            if (entry.path().extension() != ".cpp" && entry.path().extension() != ".hpp") continue;
            // Code only: a comment's example call is not a message asked for.
            std::ifstream in(entry.path());
            std::string text;
            for (std::string line; std::getline(in, line);) {
                if (!asynclab::lessons::trim(line).starts_with("//")) text += line + '\n';
            }
            for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
                if ((*it)[1].str().ends_with(".")) continue;  // an id built at run time
                CAPTURE(entry.path().string());
                CHECK_MESSAGE(english.contains((*it)[1].str()), (*it)[1].str(),
                              " is not in en/messages.toml");
                ++found;
            }
        }
    CHECK(found > 100);
}

TEST_CASE("the Chinese texts keep to the glossary's terms") {
    const auto glossary_file = std::find_if(
        embedded_data().begin(), embedded_data().end(),
        [](const EmbeddedFile& f) { return f.path == "lesson_data/zh/glossary.toml"; });
    REQUIRE(glossary_file != embedded_data().end());
    const toml::table glossary = toml::parse(glossary_file->text);
    const toml::table* terms = glossary["term"].as_table();
    REQUIRE(terms != nullptr);
    CHECK(terms->size() >= 13);
    for (const EmbeddedFile& f : embedded_data()) {
        if (!f.path.starts_with("lesson_data/zh/") || f.path.ends_with("glossary.toml")) continue;
        for (const auto& [key, node] : *terms) {
            const auto* avoid = node.as_table()->get_as<toml::array>("avoid");
            REQUIRE(avoid != nullptr);
            for (const auto& word : *avoid) {
                const std::string w(*word.value<std::string_view>());
                CAPTURE(f.path);
                CAPTURE(key.str());
                CHECK_MESSAGE(f.text.find(w) == std::string_view::npos, "uses ", w);
            }
        }
    }
}

TEST_CASE("a words file holds only words, and only the lesson's own") {
    const LessonText& en = lesson_text(3, "en");
    CHECK_THROWS_WITH_AS(parse_lesson_words("zh/03.toml", "[[question]]\nanswer = \"b\"\n", en),
                         doctest::Contains("'answer' is not a word to translate"), TextError);
    CHECK_THROWS_WITH_AS(parse_lesson_words("zh/03.toml", "[demo.nope]\ntitle = \"x\"\n", en),
                         doctest::Contains("lesson 3 has no such demo"), TextError);
    CHECK_THROWS_WITH_AS(parse_lesson_words("zh/03.toml", "[knob.items]\nmin = 3\n", en),
                         doctest::Contains("'min' is not a word"), TextError);
    CHECK_THROWS_WITH_AS(
        parse_lesson_words("zh/03.toml", "[[question]]\nchoices = [\"a\", \"b\"]\n", en),
        doctest::Contains("the question has 4"), TextError);
    const LessonWords words = parse_lesson_words(
        "zh/03.toml", "[lesson]\ntitle = \"队列\"\n[demo.backpressure]\ntitle = \"背压\"\n", en);
    const LessonText mixed = with_words(en, words);
    CHECK(mixed.title == "队列");
    CHECK(mixed.demos.front().title == "背压");
    CHECK(mixed.intro == en.intro);  // what a file leaves out stays English (and fails above)
    CHECK(mixed.knobs.specs.size() == en.knobs.specs.size());
}

TEST_CASE("the language comes from --lang, ASYNCLAB_LANG or the locale") {
    CHECK(language_of_locale("zh_CN.UTF-8")->code == "zh");
    CHECK(language_of_locale("zh_TW")->code == "zh");
    CHECK(language_of_locale("zh")->code == "zh");
    CHECK(language_of_locale("en_US.UTF-8")->code == "en");
    CHECK(language_of_locale("C") == nullptr);
    CHECK(language_of_locale("fr_FR") == nullptr);
    CHECK(find_language("zh") != nullptr);
    CHECK(find_language("zh_CN") == nullptr);
    CHECK(language_codes() == "en, zh");
}

// Every exercise's words exist in every language (a word a language lacks would silently stay
// English), name the same figures in their braces, and are well formed.
#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>

#include "asynclab/lessons/language.hpp"
#include "exercise/exercise.hpp"

using namespace asynclab;

namespace {

std::set<std::string> placeholders(const std::string& text) {
    static const std::regex brace(R"(\{([A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\})");
    std::set<std::string> names;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), brace);
         it != std::sregex_iterator(); ++it)
        names.insert((*it)[1]);
    return names;
}

struct LanguageGuard {
    const lessons::Language& before = lessons::current_language();
    ~LanguageGuard() { lessons::set_language(before); }
};

}  // namespace

TEST_CASE("every exercise's words are translated, with the same placeholders") {
    const LanguageGuard guard;
    lessons::set_language(lessons::languages().front());
    const std::vector<cli::Exercise>& english = cli::exercises();
    REQUIRE(!english.empty());
    for (const lessons::Language& language : lessons::languages().subspan(1)) {
        lessons::set_language(language);
        const std::vector<cli::Exercise>& other = cli::exercises();
        REQUIRE(other.size() == english.size());
        for (std::size_t i = 0; i < english.size(); ++i) {
            const cli::Exercise& en = english[i];
            const cli::Exercise& tr = other[i];
            INFO(language.code, " ", en.name);
            CHECK(tr.title != en.title);
            CHECK(tr.summary != en.summary);
            CHECK(tr.task != en.task);
            REQUIRE(tr.hints.size() == en.hints.size());
            for (std::size_t h = 0; h < en.hints.size(); ++h) CHECK(tr.hints[h] != en.hints[h]);
            REQUIRE(tr.scenarios.size() == en.scenarios.size());
            for (std::size_t s = 0; s < en.scenarios.size(); ++s) {
                INFO(en.scenarios[s].id);
                CHECK(tr.scenarios[s].title != en.scenarios[s].title);
                for (std::size_t c = 0; c < en.scenarios[s].checks.size(); ++c) {
                    const cli::ExerciseCheck& a = en.scenarios[s].checks[c];
                    const cli::ExerciseCheck& b = tr.scenarios[s].checks[c];
                    INFO(a.id);
                    CHECK(b.title != a.title);
                    CHECK(b.fail != a.fail);
                    CHECK(placeholders(b.fail) == placeholders(a.fail));
                }
            }
        }
    }
}

TEST_CASE("every exercise belongs to a lesson and has three hint tiers and checks") {
    for (const cli::Exercise& e : cli::exercises()) {
        INFO(e.name);
        CHECK(e.lesson >= 1);
        CHECK(e.hints.size() == 3);  // a nudge, the idea, the shape of the code
        CHECK(e.check_count() >= 2);
        CHECK(!e.starter.empty());
        CHECK(!e.checks.empty());
        const std::string starter = cli::starter_file(e);
        CHECK(starter.find("if __name__ == \"__main__\":") != std::string::npos);
    }
}

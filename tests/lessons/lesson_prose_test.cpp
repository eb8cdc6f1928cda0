// Every lesson's words fit every run: each demo's explain (filled from the knobs) and takeaway
// (filled from the run) at the defaults and at knob settings that change the outcome, including
// ties, zero, one, and a limit that never bites. A number a learner reads is the run's: a figure,
// a knob or a value computed in a brace whose formula the text states. So every number written
// outside braces must be one the lesson fixes in its code, listed below with why.
#include <doctest/doctest.h>

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "asynclab/lessons/language.hpp"
#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/prose_lookup.hpp"
#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"

using namespace asynclab;
using namespace asynclab::lessons;

namespace {

using Setting = std::map<std::string, std::string>;

/// The knob settings each lesson is filled at, besides its defaults.
const std::map<int, std::vector<Setting>>& settings() {
    static const std::map<int, std::vector<Setting>> all = {
        {1,
         {{{"delays", "1,1,1"}},  // a three-way tie
          {{"delays", "0.3"}},    // one fetch
          {{"delays", "0"}},
          {{"delays", "0.1,0.1,0.2"}},  // a tie for first
          {{"delays", "2,1"}},
          {{"delays", "0.1,0.2,0.3"}},  // finishing in argument order
          {{"delays", "1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1"}}}},
        {2,
         {{{"work", "0.01"}},  // done before the deadline
          {{"work", "0"}},
          {{"timeout", "0"}},
          {{"timeout", "0"}, {"work", "0"}},
          {{"timeout", "0.05"}, {"work", "0.05"}},  // a tie: the deadline wins
          {{"timeout", "0.02"}, {"work", "0.02"}},
          {{"timeout", "0.11"}, {"work", "0.06"}},
          {{"timeout", "1"}, {"work", "0.5"}}}},
        {3,
         {{{"items", "0"}},
          {{"items", "1"}},
          {{"workers", "5"}, {"items", "3"}},   // more workers than items
          {{"maxsize", "0"}, {"items", "20"}},  // unbounded
          {{"work", "0"}},
          {{"maxsize", "1"}, {"workers", "1"}, {"items", "4"}},
          {{"items", "3"}, {"maxsize", "3"}, {"workers", "1"}},     // full, yet never waits
          {{"items", "7"}, {"workers", "3"}, {"maxsize", "10"}}}},  // never full
        {4,
         {{{"limit", "1"}},
          {{"tasks", "2"}},
          {{"tasks", "1"}},
          {{"limit", "12"}},                 // limit above tasks
          {{"tasks", "9"}, {"limit", "3"}},  // full waves only
          {{"work", "0"}},
          {{"tasks", "12"}, {"limit", "4"}, {"work", "0.3"}}}},
        {5,
         {{{"jobs", "3"}, {"block", "2"}},
          {{"jobs", "1"}},
          {{"block", "0"}},
          {{"pool", "1"}},
          {{"pool", "8"}},    // more threads than jobs
          {{"tick", "0.1"}},  // blocks shorter than a tick
          {{"tick", "0.05"}, {"block", "0.05"}},
          {{"jobs", "8"}, {"pool", "4"}}}},
        {6,
         {{{"fail-rate", "0.9"}},
          {{"fail-rate", "0"}},
          {{"fail-rate", "1"}},
          {{"urls", "5"}},  // the breaker never opens
          {{"urls", "1"}},
          {{"retries", "0"}},
          {{"timeout", "0.03"}},  // attempts time out; the breaker ends open
          {{"timeout", "0.06"}},  // a tie with the slowest answer
          {{"concurrency", "1"}, {"urls", "8"}},
          {{"retries", "10"}, {"fail-rate", "1"}, {"urls", "3"}}}},
        {7,
         {{{"delays", "0.3"}},  // one child: it is the one that fails
          {{"fail-at", "1"}},   // fails after every sibling ended
          {{"fail", "5"}},      // past the last child: the last
          {{"fail-at", "0"}},
          {{"delays", "0.1,0.1,0.1"}},  // a tie with the failure
          {{"delays", "0,0"}, {"fail", "1"}},
          {{"delays", "0.3,0.5,0.2,0.4,0.1"}, {"fail", "4"}}}},
        {8,
         {{{"requests", "1"}},
          {{"keys", "10"}, {"requests", "5"}},  // more keys than requests: nothing shared
          {{"fetch", "0"}},
          {{"ttl", "0"}},
          {{"fail-rate", "1"}},
          {{"fail-rate", "0"}},
          {{"requests", "50"}, {"ttl", "5"}}}},
    };
    return all;
}

/// Numbers a lesson may write down outside braces: fixed by its code, not by a knob or the run.
/// (0, 1 and 100 may appear in any formula: "retries + 1", "x 100 = %"; 0.0005, half the last
/// digit of a time in seconds, tells a figure that differs from its formula from one that does
/// not.)
const std::map<int, std::set<std::string>>& fixed_numbers() {
    static const std::map<int, std::set<std::string>> all = {
        {1, {}},
        // 02_timeouts.cpp: the timeout-scope demo's steps are 0.02 s each (step_time).
        {2, {"0.02"}},
        {3, {}},
        // A lesson may name another by number ("lesson 3").
        {4, {"3"}},
        // asyncio's debug mode (PYTHONASYNCIODEBUG=1) logs steps holding the loop over 100 ms.
        {5, {"100", "3"}},  // and "lesson 3"
        // 06_resilience.cpp: an answer takes 10 to 60 ms (serve), so only a timeout above 0.06 s
        // never fires; the backoff is 0.02 x 2^(attempt-1) s stretched by a jitter of 0 to 50 %,
        // so 0.02 to 0.03 s after the first failure and at most 1.5 times the formula
        // (retry_policy); the breaker scene: a request every 25 ms, the service down from 0.1 to
        // 0.3 s, 3 failures in a row open the breaker, a 0.1 s cooldown (the explanation, shown
        // before the run; the takeaway names the run's own failure_threshold and cooldown_s).
        {6, {"10", "60", "0.06", "0.02", "2", "50", "0.03", "1.5", "25", "0.1", "0.3", "3"}},
        {7, {}},
        // 08_cache.cpp: in the ttl and failure demos a request arrives every 0.03 s (arrival_gap).
        {8, {"0.03"}},
    };
    return all;
}

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

/// The numbers written in `text`: "0.25" and "3" in "0.25^3", not the 0 of "w0".
std::vector<std::string> numbers_in(std::string_view text) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size();) {
        if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) {
            ++i;
            continue;
        }
        const bool in_word = i > 0 && (word_char(text[i - 1]) || text[i - 1] == '.');
        std::size_t end = i;
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0) ++end;
        if (end + 1 < text.size() && text[end] == '.' &&
            std::isdigit(static_cast<unsigned char>(text[end + 1])) != 0) {
            ++end;
            while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0) {
                ++end;
            }
        }
        if (!in_word && (end == text.size() || !word_char(text[end]))) {
            out.emplace_back(text.substr(i, end - i));
        }
        i = end;
    }
    return out;
}

/// The numbers a template writes down: outside braces, and in the expressions inside them
/// (not in a `:spec` or the words of a `|one|many`).
std::vector<std::string> written_numbers(std::string_view text) {
    std::string outside;
    std::string inside;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((text[i] == '{' || text[i] == '}') && i + 1 < text.size() && text[i + 1] == text[i]) {
            outside += ' ';
            ++i;
        } else if (text[i] == '{') {
            const std::size_t close = text.find('}', i);
            REQUIRE(close != std::string_view::npos);
            std::string_view piece = text.substr(i + 1, close - i - 1);
            piece = piece.substr(0, piece.find_first_of(":|"));
            inside += ' ';
            inside += piece;
            outside += ' ';
            i = close;
        } else {
            outside += text[i];
        }
    }
    std::vector<std::string> out = numbers_in(outside);
    for (std::string& n : numbers_in(inside)) out.push_back(std::move(n));
    return out;
}

/// `text` with each run of whitespace one space, as the CLI wraps it.
std::string flowed(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)) == 0) {
            out += c;
        } else if (!out.empty() && out.back() != ' ') {
            out += ' ';
        }
    }
    return out;
}

struct Filled {
    std::string explain;
    std::string takeaway;  ///< Empty when the demo failed: the CLI shows the error instead.
};

/// Fills one demo's words for one run at `given`; a ProseError fails the test with the setting.
Filled fill(int number, const std::string& demo, const Setting& given,
            std::string_view language = "en") {
    const Lesson* lesson = find_lesson(number);
    REQUIRE(lesson != nullptr);
    const DemoSpec* spec = lesson->demo(demo);
    REQUIRE(spec != nullptr);
    const DemoText* words = lesson_text(number, language).demo(demo);
    REQUIRE(words != nullptr);
    const Knobs knobs(lesson->knobs(), given);
    Filled out;
    out.explain = flowed(fill_prose(words->explain, prose_lookup(knobs, *lesson)));
    const DemoRun run = run_demo(*lesson, *spec, knobs, RunOptions{});
    if (!run.error) {
        out.takeaway = flowed(fill_prose(words->takeaway, prose_lookup(run, knobs, *lesson)));
    }
    return out;
}

std::string describe(int number, const std::string& demo, const Setting& given) {
    std::string out = "run " + std::to_string(number) + " --demo " + demo;
    for (const auto& [knob, value] : given) out += " --" + knob + " " + value;
    return out;
}

}  // namespace

TEST_CASE("every demo's words fill in at the defaults and at other knob settings") {
    for (const Language& language : languages()) {
        CAPTURE(language.code);
        for (const Lesson* lesson : all_lessons()) {
            std::vector<Setting> runs = settings().at(lesson->number);
            REQUIRE(runs.size() >= 5);
            runs.insert(runs.begin(), Setting{});
            for (const Setting& given : runs) {
                for (const DemoSpec& demo : lesson->demos) {
                    CAPTURE(describe(lesson->number, demo.id, given));
                    Filled filled;
                    CHECK_NOTHROW(filled = fill(lesson->number, demo.id, given, language.code));
                    CHECK_FALSE(filled.explain.empty());
                    // On the virtual clock every formula a text states gives the run's own figure.
                    CHECK(filled.takeaway.find("real clock adds") == std::string::npos);
                    CHECK(filled.takeaway.find("真实时钟") == std::string::npos);
                }
            }
        }
    }
}

TEST_CASE("every number written into a demo's words is fixed by the lesson's code") {
    for (const Language& language : languages())
        for (const Lesson* lesson : all_lessons()) {
            const std::set<std::string>& allowed = fixed_numbers().at(lesson->number);
            for (const DemoText& words : lesson_text(lesson->number, language.code).demos) {
                for (const std::string* text : {&words.explain, &words.takeaway}) {
                    for (const std::string& n : written_numbers(*text)) {
                        CAPTURE(lesson->number);
                        CAPTURE(words.id);
                        CAPTURE(n);
                        CHECK((n == "0" || n == "1" || n == "100" || n == "0.0005" ||
                               allowed.contains(n)));
                    }
                }
            }
        }
}

TEST_CASE("the numbers the test finds are the ones a reader sees") {
    CHECK(written_numbers("w0 took 0.25^3 = {pow(rate, 3) * 100:.1f}%, 2^(attempt-1) s") ==
          std::vector<std::string>{"0.25", "3", "2", "1", "3", "100"});
    CHECK(written_numbers("{n|item|items} in {{3}} x{limit:.3f}.") ==
          std::vector<std::string>{"3"});
}

TEST_CASE("the words follow the run, not the defaults") {
    // The runs that contradicted their text when it was written for the defaults.
    const Filled limit = fill(4, "limit", {{"limit", "1"}});
    CHECK(limit.takeaway.find("max_concurrency is 1") != std::string::npos);
    CHECK(limit.takeaway.find("ceil(10 / 1) x 1.000 = 10.000 s") != std::string::npos);
    CHECK(limit.takeaway.find("4.0") == std::string::npos);

    const Filled lock = fill(4, "lock", {{"tasks", "2"}});
    CHECK(lock.takeaway.find("1 lost update") != std::string::npos);
    CHECK(lock.takeaway.find("9") == std::string::npos);
    CHECK(fill(4, "lock", {{"tasks", "1"}}).takeaway.find("No update was lost") !=
          std::string::npos);

    const Filled blocking = fill(5, "blocking-loop", {{"jobs", "3"}, {"block", "2"}});
    CHECK(blocking.takeaway.find("3 x 2.000 = 6.000 s") != std::string::npos);

    CHECK(fill(6, "breaker", {{"urls", "5"}}).takeaway.find("never opened") != std::string::npos);
    CHECK(fill(6, "breaker", {}).takeaway.find("never opened") == std::string::npos);
    // The breaker's threshold and cooldown are the run's figures, not words written by hand.
    const Filled breaker = fill(6, "breaker", {});
    CHECK(breaker.takeaway.find("after 3 consecutive failures") != std::string::npos);
    CHECK(breaker.takeaway.find("cooldown of 0.100 s") != std::string::npos);
    CHECK(fill(6, "breaker", {{"urls", "5"}}).takeaway.find("failed 3 times in a row") !=
          std::string::npos);

    const Filled flaky = fill(6, "retry", {{"fail-rate", "0.9"}});
    CHECK(flaky.takeaway.find("0.9^3 = 72.9%") != std::string::npos);
    CHECK(flaky.takeaway.find("0.25") == std::string::npos);

    // A job done before its deadline is not said to be cancelled.
    const Filled quick = fill(2, "wait-for", {{"work", "0.01"}});
    CHECK(quick.takeaway.find("completed") != std::string::npos);
    CHECK(quick.takeaway.find("cancelled it") == std::string::npos);
}

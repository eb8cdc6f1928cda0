// shown() and safe_message(): what an error message may quote of the learner's input.
#include <doctest/doctest.h>

#include "terminal/echo.hpp"

using asynclab::cli::safe_message;
using asynclab::cli::shown;

TEST_CASE("control characters are escaped, printable text and UTF-8 kept") {
    CHECK(shown("x\x1b[31mRED\a") == "x\\e[31mRED\\a");
    CHECK(shown("a\tb\nc\rd\x01\x7f") == "a\\tb\\nc\\rd\\x01\\x7f");
    CHECK(shown("naïve — ok") == "naïve — ok");
    CHECK(shown("\xff\xc3") == "\\xff\\xc3");  // not UTF-8
    CHECK(shown("\xc2\x9b"
                "31m") == "\\xc2\\x9b31m");  // C1 CSI: a control too
    CHECK(shown("back\\slash") == "back\\slash");
}

TEST_CASE("a long value is cut at 60 characters with an ellipsis, not inside a character") {
    CHECK(shown(std::string(60, 'x')) == std::string(60, 'x'));
    CHECK(shown(std::string(61, 'x')) == std::string(60, 'x') + "…");
    std::string accents;
    for (int i = 0; i < 70; ++i) accents += "é";
    std::string first60;
    for (int i = 0; i < 60; ++i) first60 += "é";
    CHECK(shown(accents) == first60 + "…");
    CHECK(shown(shown(std::string(100, 'x'))) == shown(std::string(100, 'x')));
}

TEST_CASE("a whole message: each long word cut, controls escaped, the whole bounded") {
    CHECK(safe_message("The following argument was not expected: " + std::string(1000, 'y')) ==
          "The following argument was not expected: " + std::string(60, 'y') + "…");
    CHECK(safe_message("two\nlines \x1b[0m") == "two\\nlines \\e[0m");
    std::string many;
    for (int i = 0; i < 1000; ++i) many += "word ";
    CHECK(safe_message(many).size() < 700);
}

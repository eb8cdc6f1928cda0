// The one display width every view uses, and the one colour system.
#include <doctest/doctest.h>

#include "terminal/terminal.hpp"
#include "terminal/text.hpp"
#include "terminal/text_wrap.hpp"

using namespace asynclab::cli;

TEST_CASE("display width: wide characters take two columns, combining marks none") {
    CHECK(display_width("") == 0);
    CHECK(display_width("main") == 4);
    CHECK(display_width("→ done") == 6);
    CHECK(display_width("任务") == 4);         // Han: two columns each
    CHECK(display_width("e\xCC\x81") == 1);    // e + combining acute
    CHECK(display_width("caf\xC3") == 4);      // a cut sequence still takes its column
    CHECK(display_head("任务一", 3) == "任");  // never half a character
    CHECK(display_head("任务一", 4) == "任务");
    CHECK(display_head("abc", 0).empty());
    CHECK(display_head("e\xCC\x81x", 1) == "e\xCC\x81");  // the mark stays with its letter
    CHECK(display_head("a任", 2) == "a");
    CHECK(display_width("\xEF\xBC\xA1") == 2);  // FULLWIDTH LATIN CAPITAL LETTER A
}

TEST_CASE(
    "one colour system: a Style and a text_style paint alike, and not at all without colour") {
    const Terminal colour{.color = true};
    const Terminal plain{.color = false};
    CHECK(colour.paint("ok", Style::Good) ==
          colour.paint("ok", fmt::fg(fmt::terminal_color::green)));
    CHECK(colour.paint("ok", Style::Good) == "\x1b[32mok\x1b[0m");
    CHECK(colour.paint("ok", Style::Plain) == "ok");
    CHECK(plain.paint("ok", Style::Good) == "ok");
}

TEST_CASE("lines indented four spaces are code: kept as written, blank lines and all") {
    const std::string text =
        "The shape of it, wrapped as prose when it is long enough to need wrapping:\n"
        "\n"
        "    def get(self, key):\n"
        "        task = self.tasks.get(key)\n"
        "\n"
        "        return await task\n"
        "\n"
        "And after.";
    CHECK(wrap_paragraphs(text, 40, 2) ==
          "  The shape of it, wrapped as prose when\n"
          "  it is long enough to need wrapping:\n"
          "\n"
          "      def get(self, key):\n"
          "          task = self.tasks.get(key)\n"
          "\n"
          "          return await task\n"
          "\n"
          "  And after.\n");
}

TEST_CASE("a list item's lines hang under its text, and items follow without a blank line") {
    const std::string text =
        "And:\n\n- at most limit calls are on their way at once\n"
        "- each attempt gets its own timeout, counted once it has a slot\n\n"
        "After.";
    CHECK(wrap_paragraphs(text, 34) ==
          "And:\n"
          "\n"
          "- at most limit calls are on their\n"
          "  way at once\n"
          "- each attempt gets its own\n"
          "  timeout, counted once it has a\n"
          "  slot\n"
          "\n"
          "After.\n");
}

TEST_CASE("a number and its unit are never split across lines") {
    CHECK(wrap_paragraphs("the fetch_all took 1.3 s in all", 22) ==
          "the fetch_all took\n1.3 s in all\n");
    CHECK(wrap_paragraphs("it has waited for 20 ms", 20) == "it has waited for\n20 ms\n");
    CHECK(wrap_paragraphs("it then waited for 3 sleeps", 20) ==
          "it then waited for 3\nsleeps\n");  // a word, not a unit
}

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

// The one display-width, trim and split every view and parser uses.
#include <doctest/doctest.h>

#include "terminal/terminal.hpp"
#include "terminal/text.hpp"

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
}

TEST_CASE("trim and split") {
    CHECK(trim("  a b \t\n") == "a b");
    CHECK(trim(" \t ").empty());
    CHECK(split("a, b,,c", ',') == std::vector<std::string_view>{"a", "b", "", "c"});
    CHECK(split("", ',') == std::vector<std::string_view>{""});
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

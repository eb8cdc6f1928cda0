#pragma once
// The terminal the CLI writes to: whether to use colour (only on a terminal, never with NO_COLOR
// or --no-color), how wide it is, and the few styles the output uses. Colour is fmt's text_style
// throughout: a Style names one, and a view with finer needs (the timeline's marks) passes its
// own.

#include <fmt/color.h>

#include <string>
#include <string_view>

namespace asynclab::cli {

enum class Style {
    Plain,
    Bold,
    Dim,
    Heading,  ///< Lesson and demo headings.
    Good,     ///< Completed, right answers, passed.
    Bad,      ///< Failed, wrong answers.
    Warn,     ///< Cancelled, timeouts.
    Accent,   ///< Task names, figures.
    Wait,     ///< Waiting on a primitive or another task.
    Sleep,    ///< Sleeping.
    Run,      ///< Running on the loop thread.
};

struct Terminal {
    bool color = false;
    bool unicode = true;  ///< Box-drawing and block glyphs; off when the locale is not UTF-8.
    int width = 80;

    /// Decides colour and width for a stream: colour only when it is a terminal and neither
    /// NO_COLOR nor `no_color` says otherwise; width from the terminal, else $COLUMNS, else 80.
    static Terminal detect(int fd, bool no_color);

    /// `text` in `style` (unchanged without colour).
    [[nodiscard]] std::string paint(std::string_view text, Style style) const;
    [[nodiscard]] std::string paint(std::string_view text, const fmt::text_style& style) const;
};

}  // namespace asynclab::cli

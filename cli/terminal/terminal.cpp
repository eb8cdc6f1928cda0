#include "terminal/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/color.h>

#include <charconv>
#include <cstdlib>

namespace asynclab::cli {

namespace {

fmt::text_style look(Style style) {
    using fmt::emphasis;
    using fmt::fg;
    using fmt::terminal_color;
    switch (style) {
        case Style::Plain:
            return {};
        case Style::Bold:
            return emphasis::bold;
        case Style::Dim:
            return emphasis::faint;
        case Style::Heading:
            return emphasis::bold | fg(terminal_color::cyan);
        case Style::Good:
        case Style::Run:
            return fg(terminal_color::green);
        case Style::Bad:
            return fg(terminal_color::red);
        case Style::Warn:
        case Style::Wait:
            return fg(terminal_color::yellow);
        case Style::Accent:
            return emphasis::bold | fg(terminal_color::magenta);
        case Style::Sleep:
            return fg(terminal_color::blue);
    }
    return {};
}

bool utf8_locale() {
    for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        const char* value = std::getenv(name);
        if (value == nullptr || *value == '\0') continue;
        const std::string_view v(value);
        return v.find("UTF-8") != std::string_view::npos ||
               v.find("utf8") != std::string_view::npos ||
               v.find("UTF8") != std::string_view::npos ||
               v.find("utf-8") != std::string_view::npos;
    }
    return false;
}

int columns_from_env() {
    const char* text = std::getenv("COLUMNS");
    int value = 0;
    if (text == nullptr) return 0;
    std::from_chars(text, text + std::char_traits<char>::length(text), value);
    return value;
}

}  // namespace

Terminal Terminal::detect(int fd, bool no_color) {
    Terminal t;
    const bool tty = isatty(fd) == 1;
    const char* no_color_env = std::getenv("NO_COLOR");
    t.color = tty && !no_color && (no_color_env == nullptr || *no_color_env == '\0');
    t.unicode = utf8_locale();
    winsize ws{};
    if (tty && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        t.width = ws.ws_col;
    } else if (int cols = columns_from_env(); cols > 0) {
        t.width = cols;
    }
    return t;
}

std::string Terminal::paint(std::string_view text, Style style) const {
    return paint(text, look(style));
}

std::string Terminal::paint(std::string_view text, const fmt::text_style& style) const {
    if (!color || (!style.has_foreground() && !style.has_background() && !style.has_emphasis())) {
        return std::string(text);
    }
    return fmt::format(style, "{}", text);
}

}  // namespace asynclab::cli

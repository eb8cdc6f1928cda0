#include "terminal/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

namespace asynclab::cli {

namespace {

std::string_view sgr(Style style) {
    switch (style) {
        case Style::Plain:
            return "";
        case Style::Bold:
            return "\x1b[1m";
        case Style::Dim:
            return "\x1b[2m";
        case Style::Heading:
            return "\x1b[1;36m";
        case Style::Good:
            return "\x1b[32m";
        case Style::Bad:
            return "\x1b[31m";
        case Style::Warn:
            return "\x1b[33m";
        case Style::Accent:
            return "\x1b[1;35m";
        case Style::Wait:
            return "\x1b[33m";
        case Style::Sleep:
            return "\x1b[34m";
        case Style::Run:
            return "\x1b[32m";
    }
    return "";
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
    const std::string_view code = sgr(style);
    if (!color || code.empty()) return std::string(text);
    std::string out;
    out.reserve(code.size() + text.size() + 4);
    out += code;
    out += text;
    out += "\x1b[0m";
    return out;
}

}  // namespace asynclab::cli

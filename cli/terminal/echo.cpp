#include "terminal/echo.hpp"

#include <fmt/format.h>

namespace asynclab::cli {

namespace {

/// Length of the well-formed UTF-8 sequence at s[i] (1 to 4), or 0 when it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b = byte(i);
    std::size_t n = 0;
    char32_t cp = 0;
    if (b < 0x80) return 1;
    if ((b & 0xE0) == 0xC0) {
        n = 2;
        cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
        n = 3;
        cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
        n = 4;
        cp = b & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    const char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    // C1 controls (U+0080 to U+009F): some terminals act on them as on ESC sequences.
    if (cp < 0xA0) return 0;
    return n;
}

void escape(char c, std::string& out) {
    switch (c) {
        case '\x1b':
            out += "\\e";
            break;
        case '\a':
            out += "\\a";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\v':
            out += "\\v";
            break;
        default:
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
            break;
    }
}

}  // namespace

std::string shown(std::string_view value, std::size_t limit) {
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < value.size();) {
        if (chars == limit) {
            out += "…";
            break;
        }
        const unsigned char b = static_cast<unsigned char>(value[i]);
        const std::size_t n = utf8_length(value, i);
        if (n == 1 && b >= 0x20 && b != 0x7f) {
            out += value[i];
        } else if (n > 1) {
            out.append(value.substr(i, n));
        } else {
            escape(value[i], out);
        }
        i += n == 0 ? 1 : n;
        ++chars;
    }
    return out;
}

std::string safe_message(std::string_view message) {
    std::string out;
    std::size_t start = 0;
    for (;;) {
        // Words are split at spaces only: a newline is a control character, shown escaped.
        const std::size_t end = message.find(' ', start);
        const std::string_view word = message.substr(start, end - start);
        // Quotes and punctuation around a value stay whole: only the value itself is cut.
        std::size_t a = 0, b = word.size();
        while (a < b && std::string_view("'\"([{`").find(word[a]) != std::string_view::npos) ++a;
        while (b > a && std::string_view("'\";,.:)]}`").find(word[b - 1]) != std::string_view::npos)
            --b;
        out += shown(word.substr(0, a)) + shown(word.substr(a, b - a)) + shown(word.substr(b));
        if (end == std::string_view::npos) break;
        out += ' ';
        start = end + 1;
    }
    return shown(out, 10 * echo_limit);
}

}  // namespace asynclab::cli

#include "toml_guard.hpp"

#include <fmt/format.h>

#include <string>

#include "asynclab/lessons/data_file.hpp"
#include "asynclab/lessons/text.hpp"

namespace asynclab::lessons {

toml::table parse_toml(std::string_view file, std::string_view text) {
    check_toml_shape(file, text);
    try {
        return toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        throw TextError(fmt::format("{}:{}:{}: {}", file, at.line, at.column, e.description()));
    }
}

void check_toml_shape(std::string_view file, std::string_view text) {
    if (text.size() > max_toml_bytes) {
        throw TextError(fmt::format("{}:1:1: the file is {} bytes; lesson data is at most {}", file,
                                    text.size(), max_toml_bytes));
    }
    int line = 1;
    std::size_t line_start = 0;
    std::string open;  // the [ and { still open, innermost last (arrays may span lines)
    bool key = true;   // where a key may be: dots there nest (a.b.c = 1), in values they do not
    int dots = 0;      // key dots on this line
    std::size_t i = 0;
    const auto newline = [&] {
        ++line;
        line_start = i + 1;
        dots = 0;
        if (open.empty()) key = true;
    };
    // Skips the string opened at i, leaving i on its last quote; false when it never closes (the
    // parser reports that).
    const auto skip_string = [&]() -> bool {
        const char quote = text[i];
        const std::string_view triple = quote == '"' ? "\"\"\"" : "'''";
        const bool multi = text.substr(i, 3) == triple;
        i += multi ? 3 : 1;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (c == '\\' && quote == '"') {
                if (i + 1 < text.size() && text[i + 1] == '\n') {
                    ++i;
                    newline();
                } else {
                    ++i;  // an escaped character, perhaps a quote
                }
            } else if (c == '\n') {
                if (!multi) {
                    --i;  // unterminated: the main loop takes the newline
                    return true;
                }
                newline();
            } else if (c == quote) {
                if (!multi) return true;
                if (text.substr(i, 3) == triple) {
                    i += 2;
                    // A closing run may be up to five quotes: the extra ones belong to the string.
                    while (i + 1 < text.size() && text[i + 1] == quote) ++i;
                    return true;
                }
            }
        }
        return false;
    };
    for (; i < text.size(); ++i) {
        const char c = text[i];
        switch (c) {
            case '\n':
                newline();
                continue;
            case '#':
                while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
                continue;
            case '"':
            case '\'':
                if (!skip_string()) return;
                continue;
            case '=':
                key = false;
                continue;
            case ',':
                key = !open.empty() && open.back() == '{';
                continue;
            case '{':
                open.push_back(c);
                key = true;
                break;
            case '[':
                // A table header ([a.b] or [[a.b]]) is a key; any other [ opens an array.
                key = key && (open.empty() || (open == "[" && text[i - 1] == '['));
                open.push_back(c);
                break;
            case ']':
            case '}':
                if (!open.empty()) open.pop_back();
                key = false;
                continue;
            case '.':
                if (!key) continue;
                ++dots;
                break;
            default:
                continue;
        }
        if (static_cast<int>(open.size()) + dots > max_toml_depth) {
            throw TextError(
                fmt::format("{}:{}:{}: nested more than {} levels deep (dotted keys, "
                            "table headers and brackets together)",
                            file, line, i - line_start + 1, max_toml_depth));
        }
    }
}

}  // namespace asynclab::lessons

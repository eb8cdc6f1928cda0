#include "terminal/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace asynclab::cli {

namespace {

/// Decodes the code point at `text[i]`, moving i past it; a malformed byte is one column's worth.
char32_t next_code_point(std::string_view text, std::size_t& i) noexcept {
    const auto byte = static_cast<unsigned char>(text[i++]);
    int more = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0;
    char32_t cp = more == 3   ? byte & 0x07
                  : more == 2 ? byte & 0x0F
                  : more == 1 ? byte & 0x1F
                              : byte;
    for (; more > 0 && i < text.size(); --more) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) != 0x80) return U'\uFFFD';
        cp = (cp << 6) | (c & 0x3F);
        ++i;
    }
    return cp;
}

// East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth.txt, W and F), coarsely.
constexpr std::array<std::pair<char32_t, char32_t>, 14> wide{{
    {0x1100, 0x115F},
    {0x2E80, 0x303E},
    {0x3041, 0x33FF},
    {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF},
    {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF},
    {0xFE30, 0xFE4F},
    {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6},
    {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF},
    {0x20000, 0x3FFFD},
}};

int code_point_width(char32_t cp) noexcept {
    if (cp == 0) return 0;
    // Combining marks and zero-width joiners/spaces add nothing to the character before them.
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFE0F) return 0;
    for (const auto& [lo, hi] : wide) {
        if (cp >= lo && cp <= hi) return 2;
    }
    return 1;
}

}  // namespace

int display_width(std::string_view text) noexcept {
    int columns = 0;
    for (std::size_t i = 0; i < text.size();) columns += code_point_width(next_code_point(text, i));
    return columns;
}

std::string_view display_head(std::string_view text, int columns) noexcept {
    std::size_t i = 0;
    for (int used = 0; i < text.size();) {
        std::size_t next = i;
        used += code_point_width(next_code_point(text, next));
        if (used > columns) break;
        i = next;
    }
    return text.substr(0, i);
}

std::string_view trim(std::string_view text) noexcept {
    constexpr std::string_view blanks = " \t\r\n\v\f";
    const auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    for (std::size_t start = 0;;) {
        const auto end = text.find(separator, start);
        pieces.push_back(trim(text.substr(start, end - start)));
        if (end == std::string_view::npos) return pieces;
        start = end + 1;
    }
}

}  // namespace asynclab::cli

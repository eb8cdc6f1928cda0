#include "terminal/text.hpp"

#include <unistr.h>
#include <uniwidth.h>

#include <algorithm>
#include <cstdint>

namespace asynclab::cli {

namespace {

constexpr const char* encoding = "UTF-8";  // East Asian ambiguous characters take one column

const std::uint8_t* units(std::string_view text) noexcept {
    return reinterpret_cast<const std::uint8_t*>(text.data());
}

}  // namespace

int display_width(std::string_view text) noexcept {
    return u8_width(units(text), text.size(), encoding);
}

std::string_view display_head(std::string_view text, int columns) noexcept {
    std::size_t i = 0;
    for (int used = 0; i < text.size();) {
        ucs4_t c = 0;
        const int length = u8_mbtouc(&c, units(text) + i, text.size() - i);  // U+FFFD if malformed
        used += std::max(uc_width(c, encoding), 0);  // as u8_width: control characters take none
        if (used > columns) break;
        i += static_cast<std::size_t>(length);
    }
    return text.substr(0, i);
}

std::string pad_right(std::string_view text, int columns) {
    const int room = std::max(0, columns - display_width(text));
    return std::string(text) + std::string(static_cast<std::size_t>(room), ' ');
}

std::string pad_left(std::string_view text, int columns) {
    const int room = std::max(0, columns - display_width(text));
    return std::string(static_cast<std::size_t>(room), ' ') + std::string(text);
}

}  // namespace asynclab::cli

#include "asynclab/lessons/trim_split.hpp"

namespace asynclab::lessons {

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

}  // namespace asynclab::lessons

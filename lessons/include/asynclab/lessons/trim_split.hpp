#pragma once
// The two cuts every parser in the lessons and the CLI makes, once: the CLI depends on the
// lessons, so they live here.

#include <string_view>
#include <vector>

namespace asynclab::lessons {

/// `text` without the spaces, tabs and line ends around it.
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

/// The pieces of `text` between `separator`s, each trimmed ("a, b,,c" -> a, b, "", c).
[[nodiscard]] std::vector<std::string_view> split(std::string_view text, char separator);

}  // namespace asynclab::lessons

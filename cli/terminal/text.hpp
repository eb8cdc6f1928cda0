#pragma once
// Text as a terminal shows it, and the two cuts every parser here makes: one of each, so that no
// view counts columns or trims spaces its own way.

#include <string>
#include <string_view>
#include <vector>

namespace asynclab::cli {

/// Columns `text` (UTF-8) takes on a terminal: two for wide characters (Han, Hangul, kana,
/// full-width forms, most emoji), none for combining marks, one for the rest.
[[nodiscard]] int display_width(std::string_view text) noexcept;

/// The longest prefix of `text` that fits in `columns` display columns, never cutting a character.
[[nodiscard]] std::string_view display_head(std::string_view text, int columns) noexcept;

/// `text` without the spaces, tabs and line ends around it.
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

/// The pieces of `text` between `separator`s, each trimmed ("a, b,,c" -> a, b, "", c).
[[nodiscard]] std::vector<std::string_view> split(std::string_view text, char separator);

}  // namespace asynclab::cli

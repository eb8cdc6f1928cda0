#pragma once
// Text as a terminal shows it, measured by GNU libunistring, so that no view counts columns its own
// way. (Trimming and splitting: asynclab/lessons/trim_split.hpp.)

#include <string>
#include <string_view>

namespace asynclab::cli {

/// Columns `text` (UTF-8) takes on a terminal, as libunistring's u8_width counts them: two for
/// wide characters (Han, Hangul, kana, full-width forms, most emoji), none for combining marks and
/// control characters, one for the rest; a malformed byte takes one.
[[nodiscard]] int display_width(std::string_view text) noexcept;

/// The longest prefix of `text` that fits in `columns` display columns, never cutting a character.
[[nodiscard]] std::string_view display_head(std::string_view text, int columns) noexcept;

/// `text` followed (pad_right) or preceded (pad_left) by spaces up to `columns` display columns;
/// as it is when already as wide. (fmt's own padding counts code points, not columns.)
[[nodiscard]] std::string pad_right(std::string_view text, int columns);
[[nodiscard]] std::string pad_left(std::string_view text, int columns);

}  // namespace asynclab::cli

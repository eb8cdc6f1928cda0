#pragma once
// A look at a lesson_data file before toml++ parses it. toml++ builds and destroys nested tables
// and arrays recursively, so a key or header nested tens of thousands deep (`a.a.a…b = 1`)
// overflows the stack; lesson data needs a handful of levels, so anything deeper is refused here.

#include <cstddef>
#include <string_view>

namespace asynclab::lessons {

/// Deepest nesting a lesson_data file may use: the parts of a table header plus those of a
/// dotted key plus open brackets. The lessons use at most four.
inline constexpr int max_toml_depth = 32;
/// Far more than any lesson's words (the longest is about 11 KB).
inline constexpr std::size_t max_toml_bytes = 1 << 20;

/// Throws TextError ("file:line:column: ...") when `text` is too large or nests deeper than
/// max_toml_depth. Counts conservatively (a dot in a number counts too); strings and comments
/// are skipped. What is not valid TOML is left for the parser to report.
void check_toml_shape(std::string_view file, std::string_view text);

}  // namespace asynclab::lessons

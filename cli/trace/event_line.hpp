#pragma once
// The recorder's hot events (protocol.md) read without building a JSON tree: a run of 10,000 tasks
// sends 90,000 lines, and nlohmann's parser spent more time on them than drawing the page took.
// Only lines made of plain items are read here; anything else goes to nlohmann as before.

#include <cstdint>
#include <string_view>
#include <vector>

namespace asynclab::cli {

/// One item of an event line.
struct PlainItem {
    enum class Kind : std::uint8_t { Integer, Text, Null };
    Kind kind = Kind::Null;
    std::int64_t integer = 0;
    std::string_view text;  ///< A view into the line.
};

/// The items of `line` when it is a JSON array of strings of printable ASCII without escapes,
/// whole numbers of at most 18 digits and nulls, separated by commas and spaces; false (and
/// `items` unspecified) for any other line, valid JSON or not.
bool split_plain(std::string_view line, std::vector<PlainItem>& items);

}  // namespace asynclab::cli

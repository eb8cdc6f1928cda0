#pragma once
// What the learner typed, shown back in an error message without harm: a value may hold escape
// sequences (which would recolour or retitle the terminal) or be 100 KB long.

#include <cstddef>
#include <string>
#include <string_view>

namespace asynclab::cli {

/// Longest stretch of a value an error message shows, in characters.
inline constexpr std::size_t echo_limit = 60;

/// `value` fit for a one-line message: control characters escaped as C would write them (\e, \a,
/// \n, \x01), bytes that are not UTF-8 as \xff, and cut after `limit` characters with "…".
/// Applied twice it changes nothing more (a backslash is left as it is), so a message built from
/// shown() values can go through safe_message() too.
std::string shown(std::string_view value, std::size_t limit = echo_limit);

/// A whole message for stderr, whatever parts of it came from the learner (CLI11's errors quote
/// the arguments): one line, control characters escaped, each run of more than echo_limit
/// characters without a space cut, and the whole cut after ten times that.
std::string safe_message(std::string_view message);

}  // namespace asynclab::cli

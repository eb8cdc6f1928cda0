#pragma once
// A Value (a task's result, a lesson's figure) to and from JSON, and as the short literal the
// timeline shows ("A" quoted, 42, [1,2]).

#include <nlohmann/json.hpp>

#include <string>

#include "asynclab/value.hpp"

namespace asynclab::cli {

/// Lists become arrays, records objects; a real that JSON cannot hold (inf, nan) its text.
[[nodiscard]] nlohmann::ordered_json to_json(const Value& value);
/// The inverse of to_json (null is none; a whole number an integer).
[[nodiscard]] Value value_from_json(const nlohmann::ordered_json& json);
/// The value as compact JSON text: "A" in quotes, 42, [1,2]. Invalid UTF-8 is replaced.
[[nodiscard]] std::string value_literal(const Value& value);

}  // namespace asynclab::cli

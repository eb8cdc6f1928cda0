#pragma once
// A Value (a task's result, a lesson's figure) as JSON: none is null, a list an array, a record
// an object with its fields in order.

#include <nlohmann/json.hpp>

#include "asynclab/value.hpp"

namespace asynclab::cli {

nlohmann::ordered_json value_json(const Value& value);

}  // namespace asynclab::cli

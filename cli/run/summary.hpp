#pragma once
// A demo's figures (its metrics) as a few readable lines: "makespan  1.500 s".

#include <nlohmann/json.hpp>

#include <string>

#include "terminal/terminal.hpp"

namespace asynclab::cli {

std::string render_summary(const nlohmann::ordered_json& metrics, const Terminal& term);

}  // namespace asynclab::cli

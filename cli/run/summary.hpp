#pragma once
// A demo's figures (its metrics) as a few readable lines: "makespan  1.500 s".

#include <string>

#include "asynclab/lessons/lesson.hpp"

#include "terminal/terminal.hpp"

namespace asynclab::cli {

std::string render_summary(const lessons::Metrics& metrics, const Terminal& term);

}  // namespace asynclab::cli

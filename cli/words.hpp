#pragma once
// The CLI's words in the learner's language: every text a learner reads goes through here, by
// its id in lesson_data/LANG/messages.toml (asynclab/lessons/language.hpp).

#include <string>
#include <string_view>

#include "asynclab/lessons/language.hpp"

namespace asynclab::cli {

using lessons::say;

/// Message `id`, with no placeholders to fill.
[[nodiscard]] inline std::string tr(std::string_view id) {
    return std::string(lessons::message(id));
}

}  // namespace asynclab::cli

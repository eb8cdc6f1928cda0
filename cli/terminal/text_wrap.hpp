#pragma once
// Lesson prose re-flowed to the terminal: paragraphs (separated by blank lines) wrapped at word
// boundaries to a width, with an indent.

#include <string>
#include <string_view>

namespace asynclab::cli {

std::string wrap_paragraphs(std::string_view text, int width, int indent = 0);

}  // namespace asynclab::cli

#pragma once
// Lesson prose re-flowed to the terminal: paragraphs (separated by blank lines) wrapped at word
// boundaries to a width, with an indent.

#include <string>
#include <string_view>

namespace asynclab::cli {

std::string wrap_paragraphs(std::string_view text, int width, int indent = 0);

/// `text` wrapped with `indent`, the first `visible` columns of its first line replaced by
/// `marker` ("  ✓ ", "- ", perhaps painted: `visible` is what it shows): a hanging indent.
std::string wrap_marked(std::string_view marker, int visible, std::string_view text, int width,
                        int indent);

}  // namespace asynclab::cli

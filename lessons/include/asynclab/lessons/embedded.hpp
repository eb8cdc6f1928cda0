#pragma once
// Files carried inside the binary (generated at build time by cmake/embed_files.cmake).

#include <cstddef>
#include <span>
#include <string_view>

namespace asynclab::lessons {

struct EmbeddedFile {
    std::string_view path;  ///< Relative to the repository root: "lessons/cpp/01_tasks.cpp".
    std::string_view text;
};

/// The lessons' C++ sources, as `show --code` prints them.
std::span<const EmbeddedFile> embedded_sources();
/// The files of lesson_data/.
std::span<const EmbeddedFile> embedded_data();

}  // namespace asynclab::lessons

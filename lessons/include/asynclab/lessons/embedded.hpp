#pragma once
// Files carried inside the binary (generated at build time by cmake/embed_files.cmake).

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace asynclab::lessons {

struct Lesson;

struct EmbeddedFile {
    std::string_view path;  ///< Relative to the repository root: "lessons/cpp/01_tasks.cpp".
    std::string_view text;
};

/// The lessons' sources, as `show --code` prints them: the C++ that `run N` executes and the
/// asyncio twins (lessons/python/).
std::span<const EmbeddedFile> embedded_sources();
/// The source at `path` ("lessons/python/03_queue.py"), or nullptr when this build lacks it.
const EmbeddedFile* embedded_source(std::string_view path);

/// The lesson's asyncio twin: "lessons/python/03_queue.py", one `async def` per demo.
std::string twin_file(const Lesson& lesson);
/// The twin's coroutine function for a demo: "wait_for" for "wait-for".
std::string twin_function(std::string_view demo_id);
/// The files of lesson_data/.
std::span<const EmbeddedFile> embedded_data();

}  // namespace asynclab::lessons

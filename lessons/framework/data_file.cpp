#include "asynclab/lessons/data_file.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/text.hpp"

namespace asynclab::lessons {

std::optional<std::string> data_path(std::string_view prefix) {
    for (const EmbeddedFile& f : embedded_data()) {
        if (f.path.starts_with(prefix)) return std::string(f.path);
    }
    return std::nullopt;
}

std::optional<DataFile> data_file(std::string_view path) {
    const EmbeddedFile* embedded = nullptr;
    for (const EmbeddedFile& f : embedded_data()) {
        if (f.path == path) embedded = &f;
    }
    if (embedded == nullptr) return std::nullopt;
    const char* dir = std::getenv("ASYNCLAB_LESSON_DATA");
    if (dir == nullptr || *dir == '\0') return DataFile{std::string(path), embedded->text};

    // lesson_data/zh/03-queue.toml is read as $ASYNCLAB_LESSON_DATA/zh/03-queue.toml.
    const auto file =
        std::filesystem::path(dir) / std::filesystem::path(path).lexically_relative("lesson_data");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw TextError(
            fmt::format("{}: cannot read it (ASYNCLAB_LESSON_DATA is set)", file.string()));
    std::ostringstream s;
    s << in.rdbuf();
    // Kept for the life of the program, like the embedded copies the texts point into.
    static std::mutex mutex;
    static std::deque<std::string> kept;
    const std::lock_guard lock(mutex);
    return DataFile{file.string(), kept.emplace_back(s.str())};
}

}  // namespace asynclab::lessons

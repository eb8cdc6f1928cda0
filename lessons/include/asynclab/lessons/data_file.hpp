#pragma once
// One file of lesson_data/: from $ASYNCLAB_LESSON_DATA when set (authors editing words without a
// rebuild), else the copy built into the binary.

#include <optional>
#include <string>
#include <string_view>

namespace asynclab::lessons {

struct DataFile {
    std::string path;  ///< As error lines name it.
    std::string_view text;
};

/// `path` ("lesson_data/zh/03-queue.toml"), or none when the binary carries no such file.
/// Throws TextError when ASYNCLAB_LESSON_DATA is set and the file cannot be read there.
[[nodiscard]] std::optional<DataFile> data_file(std::string_view path);

/// The path of the one embedded file that starts with `prefix`, or none.
[[nodiscard]] std::optional<std::string> data_path(std::string_view prefix);

}  // namespace asynclab::lessons

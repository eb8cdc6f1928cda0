#pragma once
// One file of lesson_data/: from $ASYNCLAB_LESSON_DATA when set (authors editing words without a
// rebuild), else the copy built into the binary.

#include <toml++/toml.h>

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

/// The file's TOML, after a look at its shape (size, nesting) that keeps toml++ from overflowing
/// the stack. Throws TextError as "file:line:column: what is wrong".
[[nodiscard]] toml::table parse_toml(std::string_view file, std::string_view text);

/// The path of the one embedded file that starts with `prefix`, or none.
[[nodiscard]] std::optional<std::string> data_path(std::string_view prefix);

}  // namespace asynclab::lessons

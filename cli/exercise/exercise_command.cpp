// `asynclab exercise`: the exercises, with the learner's progress on each; `asynclab exercise start
// NAME [--dir D]`: writes D/NAME.py, the starter with its contract on top, and never overwrites.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "commands.hpp"
#include "exercise/exercise.hpp"
#include "progress/progress_store.hpp"
#include "progress/progress_view.hpp"
#include "terminal/text.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

namespace fs = std::filesystem;

std::string status_text(const ExerciseProgress& p) {
    if (p.passed) return tr("exercise.status.passed");
    if (p.checks > 0) return say("exercise.status.tried", fmt::arg("n", p.checks));
    return tr("exercise.status.new");
}

Style status_style(const ExerciseProgress& p) {
    return p.passed ? Style::Good : p.checks > 0 ? Style::Warn : Style::Dim;
}

int list_exercises(const Terminal& term, bool json) {
    const Progress progress = ProgressStore::from_environment().load();
    if (json) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const Exercise& e : exercises()) {
            const ExerciseProgress p = progress.of_exercise(e.name);
            out.push_back({{"name", e.name},
                           {"lesson", e.lesson},
                           {"title", e.title},
                           {"summary", e.summary},
                           {"checks", e.check_count()},
                           {"progress", exercise_progress_json(p)}});
        }
        fmt::print("{}\n", out.dump(2));
        return exit_ok;
    }
    std::size_t name_width = 0;
    for (const Exercise& e : exercises()) name_width = std::max(name_width, e.name.size());
    int passed = 0;
    for (const Exercise& e : exercises()) {
        const ExerciseProgress p = progress.of_exercise(e.name);
        passed += p.passed ? 1 : 0;
        const std::string head =
            fmt::format("{}  {}  {} ", pad_right(e.name, static_cast<int>(name_width)),
                        pad_right(status_text(p), 9),
                        pad_right(say("exercise.lesson_n", fmt::arg("n", e.lesson)), 8));
        // Painted piece by piece after measuring: colour codes take no columns.
        const int room = std::max(10, term.width - display_width(head));
        std::string title(display_head(e.title, room));
        if (title.size() < e.title.size())
            title = std::string(display_head(e.title, room - 1)) + "…";
        fmt::print("{}  {}  {} {}\n",
                   term.paint(pad_right(e.name, static_cast<int>(name_width)), Style::Accent),
                   term.paint(pad_right(status_text(p), 9), status_style(p)),
                   pad_right(say("exercise.lesson_n", fmt::arg("n", e.lesson)), 8),
                   term.paint(title, Style::Bold));
    }
    fmt::print("\n{}{}",
               wrap_paragraphs(say("exercise.passed_count", fmt::arg("passed", passed),
                                   fmt::arg("total", exercises().size())),
                               term.width),
               wrap_paragraphs(tr("exercise.how"), term.width));
    return exit_ok;
}

int start_exercise(const Exercise& e, const std::string& dir, int width) {
    const fs::path folder(dir);
    std::error_code ec;
    if (fs::exists(folder, ec) && !fs::is_directory(folder, ec))
        throw UsageError(say("exercise.dir_not_dir", fmt::arg("dir", dir)));
    fs::create_directories(folder, ec);
    if (ec)
        throw std::runtime_error(
            say("exercise.cannot_write", fmt::arg("file", dir), fmt::arg("why", ec.message())));
    const fs::path file = folder / solution_file_name(e);
    const std::string shown = file.lexically_normal().string();
    const std::string check = dir == "." ? fmt::format("asynclab check {}", e.name)
                                         : fmt::format("asynclab check {} {}", e.name, shown);
    // O_EXCL: a file already there (the learner's work) is kept, whatever it holds.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) {
        fmt::print("{}", wrap_paragraphs(say("exercise.kept", fmt::arg("file", shown),
                                             fmt::arg("check", check)),
                                         width));
        return exit_ok;
    }
    if (fd < 0)
        throw std::runtime_error(say("exercise.cannot_write", fmt::arg("file", shown),
                                     fmt::arg("why", std::strerror(errno))));
    const std::string text = starter_file(e);
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(file.c_str());  // half a starter is no starter
            throw std::runtime_error(
                say("exercise.cannot_write", fmt::arg("file", shown), fmt::arg("why", why)));
        }
        written += static_cast<std::size_t>(n);
    }
    ::close(fd);
    fmt::print("{}", wrap_paragraphs(
                         say("exercise.wrote", fmt::arg("file", shown), fmt::arg("title", e.title),
                             fmt::arg("check", check), fmt::arg("name", e.name)),
                         width));
    return exit_ok;
}

}  // namespace

int exercise_command(const ExerciseArgs& args, const Terminal& term) {
    if (args.start)
        return start_exercise(require_exercise(*args.start), args.dir, std::max(40, term.width));
    return list_exercises(term, args.json);
}

}  // namespace asynclab::cli

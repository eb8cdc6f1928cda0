// The progress file on disk: finding it, locking it, reading it (setting a corrupt one aside) and
// replacing it atomically. POSIX calls rather than iostreams because every failure has to be told
// apart (a missing file is normal, a directory or an unreadable file must be left alone) and the
// data must reach the disk (fsync) before the rename makes it the progress.
#include "progress/progress_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "words.hpp"

namespace asynclab::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* file_name = "progress.json";
constexpr const char* lock_name = "progress.lock";
constexpr const char* temp_prefix = "progress.json.tmp-";
/// Far more than any real progress file; a bigger one is not ours.
constexpr off_t max_size = 4 << 20;
/// Writers hold the lock for milliseconds; this long means something is stuck.
constexpr auto lock_patience = std::chrono::seconds(10);

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
}

std::string errno_text(int err) {
    return std::strerror(err);
}

/// An exclusive flock held until destruction.
class FileLock {
  public:
    explicit FileLock(const fs::path& path) {
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd_ < 0) {
            error_ = lessons::say("store.cannot_open", fmt::arg("file", path.string()),
                                  fmt::arg("why", errno_text(errno)));
            return;
        }
        const auto deadline = std::chrono::steady_clock::now() + lock_patience;
        while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) {
                error_ = lessons::say("store.cannot_lock", fmt::arg("file", path.string()),
                                      fmt::arg("why", errno_text(errno)));
                return;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                error_ = lessons::say("store.held", fmt::arg("file", path.string()),
                                      fmt::arg("seconds", lock_patience.count()));
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        locked_ = true;
    }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock() {
        if (fd_ >= 0) ::close(fd_);  // closing releases the lock
    }
    [[nodiscard]] bool locked() const { return locked_; }
    [[nodiscard]] const std::string& error() const { return error_; }

  private:
    int fd_ = -1;
    bool locked_ = false;
    std::string error_;
};

bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

/// The whole of a regular file; nullopt with `error` set otherwise (ENOENT: no error text).
std::optional<std::string> slurp(const fs::path& path, int& err, std::string& error) {
    // O_NONBLOCK: a FIFO planted at the path must not hang us; it is refused below.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        err = errno;
        error = errno_text(err);
        return std::nullopt;
    }
    struct stat st {};
    std::optional<std::string> text;
    if (::fstat(fd, &st) != 0) {
        err = errno;
        error = errno_text(err);
    } else if (S_ISDIR(st.st_mode)) {
        err = EISDIR;
        error = lessons::message("store.is_directory");
    } else if (!S_ISREG(st.st_mode)) {
        err = EINVAL;
        error = lessons::message("store.not_regular");
    } else if (st.st_size > max_size) {
        text = std::string("(too large)");  // parses as garbage: set aside as corrupt
    } else {
        text.emplace();
        char buf[8192];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                err = errno;
                error = errno_text(err);
                text.reset();
                break;
            }
            if (n == 0) break;
            text->append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    return text;
}

/// "progress.json.corrupt-20250301T101500Z", made unique.
fs::path aside_name(const fs::path& dir) {
    std::string stamp = utc_now();
    std::erase(stamp, '-');
    std::erase(stamp, ':');
    fs::path candidate = dir / fmt::format("{}.corrupt-{}", file_name, stamp);
    for (int n = 2; fs::symlink_status(candidate).type() != fs::file_type::not_found; ++n) {
        candidate = dir / fmt::format("{}.corrupt-{}-{}", file_name, stamp, n);
    }
    return candidate;
}

}  // namespace

ProgressStore ProgressStore::from_environment() {
    if (std::string own = env("ASYNCLAB_HOME"); !own.empty()) return ProgressStore(own);
    // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
    if (std::string state = env("XDG_STATE_HOME"); !state.empty() && state.front() == '/') {
        return ProgressStore(fs::path(state) / "asynclab");
    }
    if (std::string home = env("HOME"); !home.empty()) {
        return ProgressStore(fs::path(home) / ".local" / "state" / "asynclab");
    }
    ProgressStore none{fs::path()};
    none.dir_.reset();
    none.no_dir_reason_ = lessons::message("store.no_home");
    return none;
}

ProgressStore::ProgressStore(fs::path dir) : dir_(std::move(dir)) {
}

fs::path ProgressStore::file() const {
    return dir_ ? *dir_ / file_name : fs::path();
}

void ProgressStore::say(const std::string& message) {
    if (!said_.insert(message).second) return;
    if (warn) {
        warn(message);
    } else {
        std::fprintf(stderr, "asynclab: %s\n",
                     lessons::say("store.warning", fmt::arg("what", message)).c_str());
    }
}

ProgressStore::Loaded ProgressStore::read_file(Access access) {
    const fs::path path = file();
    int err = 0;
    std::string error;
    const std::optional<std::string> text = slurp(path, err, error);
    if (!text) {
        if (err == ENOENT) return {};
        say(lessons::say("store.cannot_read", fmt::arg("file", path.string()),
                         fmt::arg("why", error)));
        return {.progress = {}, .writable = false};
    }
    std::string reason;
    try {
        return {.progress = progress_from_json(nlohmann::json::parse(*text)), .writable = true};
    } catch (const ProgressTooNew& e) {
        say(lessons::say("store.too_new", fmt::arg("file", path.string()),
                         fmt::arg("why", e.what())));
        return {.progress = {}, .writable = false};
    } catch (const ProgressFormatError& e) {
        reason = e.what();
    } catch (const nlohmann::json::exception&) {
        reason = lessons::message("store.not_json");
    }
    if (access == Access::Peek) return {.progress = {}, .writable = false, .corrupt = true};
    if (access == Access::Unlocked) {
        say(lessons::say("store.unusable", fmt::arg("file", path.string()),
                         fmt::arg("why", reason)));
        return {.progress = {}, .writable = false};
    }
    const fs::path aside = aside_name(*dir_);
    if (::rename(path.c_str(), aside.c_str()) != 0) {
        say(lessons::say("store.unmovable", fmt::arg("file", path.string()),
                         fmt::arg("why", reason), fmt::arg("error", errno_text(errno))));
        return {.progress = {}, .writable = false};
    }
    say(lessons::say("store.set_aside", fmt::arg("file", path.string()), fmt::arg("why", reason),
                     fmt::arg("aside", aside.filename().string())));
    return {};
}

Progress ProgressStore::load() {
    if (!dir_) {
        say(no_dir_reason_);
        return {};
    }
    try {
        std::error_code ec;
        if (fs::symlink_status(file(), ec).type() == fs::file_type::not_found)
            return {};  // nothing yet
        Loaded peeked = read_file(Access::Peek);
        if (!peeked.corrupt) return peeked.progress;
        // Only setting a corrupt file aside needs the lock, and a second look under it (a writer
        // may have replaced the file meanwhile). A read-only directory still reads.
        const FileLock lock(*dir_ / lock_name);
        return read_file(lock.locked() ? Access::Locked : Access::Unlocked).progress;
    } catch (const std::exception& e) {  // out of memory, a directory that vanished...
        say(lessons::say("store.cannot_read_dir", fmt::arg("dir", dir_->string()),
                         fmt::arg("why", e.what())));
        return {};
    }
}

bool ProgressStore::update(const std::function<void(Progress&)>& change) {
    if (!dir_) {
        say(no_dir_reason_);
        return false;
    }
    try {
        std::error_code ec;
        fs::create_directories(*dir_, ec);
        if (ec || !fs::is_directory(*dir_, ec)) {
            say(lessons::say("store.cannot_mkdir", fmt::arg("dir", dir_->string()),
                             fmt::arg("why", ec ? ec.message() : tr("store.file_in_way"))));
            return false;
        }
        const FileLock lock(*dir_ / lock_name);
        if (!lock.locked()) {
            say(lessons::say("store.not_saved", fmt::arg("why", lock.error())));
            return false;
        }
        Loaded loaded = read_file(Access::Locked);
        if (!loaded.writable) return false;
        change(loaded.progress);
        return write_file(loaded.progress);
    } catch (const std::exception& e) {
        say(lessons::say("store.not_saved", fmt::arg("why", e.what())));
        return false;
    }
}

bool ProgressStore::write_file(const Progress& progress) {
    // We hold the lock, so any temporary file is a leftover of a writer that was killed.
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(*dir_, ec)) {
        if (entry.path().filename().string().starts_with(temp_prefix)) fs::remove(entry.path(), ec);
    }
    const std::string text = progress_to_json(progress).dump(2) + "\n";
    const fs::path temp = *dir_ / fmt::format("{}{}", temp_prefix, getpid());
    const auto fail = [&](const char* what) {
        say(lessons::say("store.cannot_write", fmt::arg("step", tr(what)),
                         fmt::arg("file", temp.string()), fmt::arg("why", errno_text(errno))));
        ::unlink(temp.c_str());
        return false;
    };
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return fail("store.step.create");
    const std::size_t half = text.size() / 2;
    bool ok = write_all(fd, text.data(), half);
    if (ok && on_stage) on_stage(Stage::TempHalfWritten);
    ok = ok && write_all(fd, text.data() + half, text.size() - half) && ::fsync(fd) == 0;
    if (ok && on_stage) on_stage(Stage::TempSynced);
    if (::close(fd) != 0) ok = false;
    if (!ok) return fail("store.step.write");
    if (::rename(temp.c_str(), file().c_str()) != 0) return fail("store.step.rename");
    if (on_stage) on_stage(Stage::Renamed);
    // The rename itself is durable only once the directory is synced.
    if (const int dir_fd = ::open(dir_->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
    return true;
}

void record_lesson_run(int lesson) noexcept {
    try {
        ProgressStore store = ProgressStore::from_environment();
        const std::string when = utc_now();
        store.update([&](Progress& p) { p.record_run(lesson, when); });
    } catch (const std::exception& e) {
        std::fprintf(
            stderr, "asynclab: %s\n",
            lessons::say("store.warning", fmt::arg("what", lessons::say("store.not_saved",
                                                                        fmt::arg("why", e.what()))))
                .c_str());
    } catch (...) {
        std::fprintf(
            stderr, "asynclab: %s\n",
            lessons::say("store.warning", fmt::arg("what", tr("store.not_saved_plain"))).c_str());
    }
}

}  // namespace asynclab::cli

#pragma once
// Where progress lives and how it is read and written (SPEC section 7). Writes are atomic and
// serialised between processes: an exclusive flock on progress.lock around read-modify-write, then
// a temporary file, fsync, rename over progress.json, fsync of the directory. So a crash or Ctrl-C
// mid-write leaves the previous file, and two processes finishing together both land. A plain
// read takes no lock (the rename means it sees the old file or the new one, whole), so `list`
// never waits on a writer; only setting a corrupt file aside does.
//
// Nothing here throws or fails a command: a problem (no home directory, an unreadable file, a full
// disk) becomes one warning line, and the result is simply not saved.

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "progress/progress.hpp"

namespace asynclab::cli {

class ProgressStore {
  public:
    /// The directory from $ASYNCLAB_HOME, else $XDG_STATE_HOME/asynclab, else
    /// $HOME/.local/state/asynclab; none without any of them.
    static ProgressStore from_environment();
    explicit ProgressStore(std::filesystem::path dir);

    /// progress.json's path, or empty when there is nowhere to keep it.
    [[nodiscard]] std::filesystem::path file() const;

    /// What is saved (empty when nothing is, or it cannot be read; a warning then says why).
    Progress load();
    /// Read-modify-write under the lock. False (after a warning) when the change was not saved.
    bool update(const std::function<void(Progress&)>& change);

    /// Where a write is; tests stop the process at each point to prove the file survives.
    enum class Stage { TempHalfWritten, TempSynced, Renamed };
    std::function<void(Stage)> on_stage;
    /// Where warnings go; by default one line on stderr each, the same one only once.
    std::function<void(const std::string&)> warn;

  private:
    struct Loaded {
        Progress progress;
        bool writable = true;  ///< False: the file exists but must not be replaced.
        bool corrupt = false;  ///< (peek) It is unusable and must be set aside, under the lock.
    };
    enum class Access { Peek, Unlocked, Locked };
    Loaded read_file(Access access);
    bool write_file(const Progress& progress);
    void say(const std::string& message);

    std::optional<std::filesystem::path> dir_;
    std::string no_dir_reason_;
    std::set<std::string> said_;
};

/// Records a completed `asynclab run N`; never fails the run (a problem is one warning).
void record_lesson_run(int lesson) noexcept;

}  // namespace asynclab::cli

#pragma once
// Helpers for the quiz and progress tests: a fresh progress home per test (tests never touch the
// real one), and the binary run with a given stdin and environment. Output goes through files, not
// pipes, so several children can run at once without anyone reading them.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace asynclab::testing {

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void spit(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

/// A directory of its own under $TMPDIR, removed with everything in it.
class TempHome {
  public:
    TempHome() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "asynclab-home-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        path_ = pattern;
    }
    TempHome(const TempHome&) = delete;
    TempHome& operator=(const TempHome&) = delete;
    ~TempHome() {
        std::error_code ec;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
        std::filesystem::remove_all(path_, ec);
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::filesystem::path file() const { return path_ / "progress.json"; }
    /// "ASYNCLAB_HOME=..." for a child's environment.
    [[nodiscard]] std::string env() const { return "ASYNCLAB_HOME=" + path_.string(); }

  private:
    std::filesystem::path path_;
};

struct SpawnResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// A started child; finish() waits for it.
class Spawned {
  public:
    /// `env`: "NAME=value" set, "-NAME" removed. `in`: stdin's content; none: /dev/null.
    explicit Spawned(const std::vector<std::string>& args,
                     const std::vector<std::string>& env_changes = {},
                     const std::optional<std::string>& in = std::nullopt) {
        static int counter = 0;
        base_ = (std::filesystem::temp_directory_path() /
                 ("asynclab-spawn-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                    .string();
        if (in) spit(base_ + ".in", *in);
        std::vector<std::string> env;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string entry(*e);
            const std::string name = entry.substr(0, entry.find('='));
            bool replaced = false;
            for (const auto& change : env_changes) {
                const std::string changed =
                    change[0] == '-' ? change.substr(1) : change.substr(0, change.find('='));
                replaced = replaced || changed == name;
            }
            // Never inherit the developer's progress location.
            if (!replaced && name != "ASYNCLAB_HOME" && name != "XDG_STATE_HOME")
                env.push_back(entry);
        }
        for (const auto& change : env_changes) {
            if (change[0] != '-') env.push_back(change);
        }
        const std::string in_path = in ? base_ + ".in" : "/dev/null";
        const std::string out_path = base_ + ".out";
        const std::string err_path = base_ + ".err";
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(::open(in_path.c_str(), O_RDONLY), 0);
            ::dup2(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 1);
            ::dup2(::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 2);
            std::vector<char*> argv{const_cast<char*>(ASYNCLAB_BINARY)};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            std::vector<char*> envp;
            for (auto& e : env) envp.push_back(e.data());
            envp.push_back(nullptr);
            ::execve(ASYNCLAB_BINARY, argv.data(), envp.data());
            ::_exit(127);
        }
    }
    Spawned(const Spawned&) = delete;
    Spawned& operator=(const Spawned&) = delete;
    Spawned(Spawned&& other) noexcept
        : pid_(other.pid_),
          base_(std::move(other.base_)),
          ended_(other.ended_),
          status_(other.status_) {
        other.pid_ = -1;
    }
    ~Spawned() {
        if (pid_ > 0) finish();
    }

    /// Whether the child has ended within `bound` (it is left running otherwise).
    bool ended_within(std::chrono::milliseconds bound) {
        const auto deadline = std::chrono::steady_clock::now() + bound;
        while (!ended_) {
            const pid_t got = ::waitpid(pid_, &status_, WNOHANG);
            if (got == pid_) ended_ = true;
            if (ended_ || std::chrono::steady_clock::now() > deadline) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return ended_;
    }

    SpawnResult finish() {
        SpawnResult r;
        if (pid_ <= 0) return r;
        if (!ended_) ::waitpid(pid_, &status_, 0);
        const int status = status_;
        pid_ = -1;
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.out = slurp(base_ + ".out");
        r.err = slurp(base_ + ".err");
        for (const char* ext : {".in", ".out", ".err"}) std::filesystem::remove(base_ + ext);
        return r;
    }

  private:
    pid_t pid_ = -1;
    std::string base_;
    bool ended_ = false;
    int status_ = 0;
};

inline SpawnResult launch(const std::vector<std::string>& args,
                          const std::vector<std::string>& env = {},
                          const std::optional<std::string>& in = std::nullopt) {
    return Spawned(args, env, in).finish();
}

inline int lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

}  // namespace asynclab::testing

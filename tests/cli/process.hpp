#pragma once
// Runs the asynclab binary as a learner would, capturing its exit code, stdout and stderr.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace asynclab::testing {

struct Result {
    int exit_code = -1;   ///< 128 + the signal when killed by one (as a shell says it).
    bool killed = false;  ///< Ended by a signal rather than exit().
    std::string out;
    std::string err;
};

class Child {
  public:
    /// Starts the binary with `args`; its stdout comes through a pipe (read_until), stderr goes to
    /// a file. `env` entries ("NAME=value") are added to the environment. With
    /// `block_stop_signals` it starts with SIGINT, SIGTERM and SIGHUP blocked (they stay pending
    /// until the program unblocks them), so a signal sent at once cannot hit the moments between
    /// fork and the program's own handler, which no program can cover.
    Child(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
          bool block_stop_signals = false) {
        int fds[2];
        if (pipe(fds) != 0) std::abort();
        err_path_ = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                    "/asynclab-test-err-" + std::to_string(getpid()) + "-" +
                    std::to_string(counter()++);
        // Blocked before the fork, so that the child has them blocked from its first moment.
        sigset_t stop_signals;
        sigset_t old_mask;
        sigemptyset(&stop_signals);
        for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_signals, sig);
        if (block_stop_signals) sigprocmask(SIG_BLOCK, &stop_signals, &old_mask);
        pid_ = fork();
        if (pid_ != 0 && block_stop_signals) sigprocmask(SIG_SETMASK, &old_mask, nullptr);
        if (pid_ == 0) {
            dup2(fds[1], 1);
            const int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(err, 2);
            close(fds[0]);
            for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
            std::vector<char*> argv{const_cast<char*>(ASYNCLAB_BINARY)};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(ASYNCLAB_BINARY, argv.data());
            _exit(127);
        }
        close(fds[1]);
        out_fd_ = fds[0];
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (out_fd_ >= 0) close(out_fd_);
        std::remove(err_path_.c_str());
    }

    /// Reads stdout until it contains `text` (or ends); returns whether it appeared.
    bool read_until(const std::string& text) {
        while (out_.find(text) == std::string::npos) {
            if (!read_some()) return false;
        }
        return true;
    }

    void signal(int sig) { kill(pid_, sig); }

    Result finish() {
        while (read_some()) {
        }
        int status = 0;
        waitpid(pid_, &status, 0);
        Result r;
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.killed = WIFSIGNALED(status);
        r.out = out_;
        std::ifstream err(err_path_);
        std::ostringstream s;
        s << err.rdbuf();
        r.err = s.str();
        return r;
    }

  private:
    static int& counter() {
        static int n = 0;
        return n;
    }
    bool read_some() {
        char buf[4096];
        const ssize_t n = read(out_fd_, buf, sizeof buf);
        if (n <= 0) return false;
        out_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::string out_;
    std::string err_path_;
};

inline Result run_cli(const std::vector<std::string>& args,
                      const std::vector<std::string>& env = {}) {
    Child child(args, env);
    return child.finish();
}

inline int line_count(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

}  // namespace asynclab::testing

// `run` on a terminal (a pseudo-terminal, as a learner's would be) waits after each demo but the
// last: Enter goes on, q stops there and counts as a run, Ctrl-C at the prompt stops as during a
// demo. --no-pause never waits.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

const std::string prompt = "Enter: next demo · q: stop here";

/// A progress store of its own, removed afterwards.
class Home {
  public:
    Home() {
        std::string dir =
            (std::filesystem::temp_directory_path() / "asynclab-pause-XXXXXX").string();
        REQUIRE(::mkdtemp(dir.data()) != nullptr);
        path_ = dir;
    }
    Home(const Home&) = delete;
    Home& operator=(const Home&) = delete;
    ~Home() { std::filesystem::remove_all(path_); }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    /// Runs of lesson `n` recorded so far.
    [[nodiscard]] int runs(int n) const {
        std::ifstream in(path_ / "progress.json");
        if (!in) return 0;
        std::ostringstream s;
        s << in.rdbuf();
        const json saved = json::parse(s.str());
        const auto lesson = saved["lessons"].find(std::to_string(n));
        return lesson == saved["lessons"].end() ? 0 : lesson->value("runs", 0);
    }

  private:
    std::filesystem::path path_;
};

/// The binary on a pseudo-terminal of 100 columns, driven by keys.
class Pty {
  public:
    Pty(const std::vector<std::string>& args, const Home& home) {
        winsize size{};
        size.ws_row = 40;
        size.ws_col = 100;
        pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::setenv("ASYNCLAB_HOME", home.path().c_str(), 1);
            ::setenv("LANG", "C.UTF-8", 1);
            ::setenv("NO_COLOR", "1", 1);
            std::vector<char*> argv{const_cast<char*>(ASYNCLAB_BINARY)};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(ASYNCLAB_BINARY, argv.data());
            ::_exit(127);
        }
    }
    Pty(const Pty&) = delete;
    Pty& operator=(const Pty&) = delete;
    ~Pty() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(master_);
    }

    /// Waits until `text` appears after what earlier expects matched.
    bool expect(const std::string& text) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        for (;;) {
            if (const auto at = screen_.find(text, mark_); at != std::string::npos) {
                mark_ = at + text.size();
                return true;
            }
            if (!read_some(200) && (done_ || std::chrono::steady_clock::now() > deadline))
                return false;
        }
    }
    /// Whether more output comes within `ms` (a run that waits prints nothing).
    bool quiet_for(int ms) {
        const std::size_t before = screen_.size();
        read_some(ms);
        return screen_.size() == before && !done_;
    }
    void type(const std::string& keys) {
        REQUIRE(::write(master_, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size()));
    }
    int exit_code() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!done_ && std::chrono::steady_clock::now() < deadline) read_some(200);
        if (!done_) ::kill(pid_, SIGKILL);  // stuck: fail the test, do not hang it
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    [[nodiscard]] const std::string& screen() const { return screen_; }

  private:
    bool read_some(int timeout_ms) {
        pollfd p{master_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return false;
        char buf[4096];
        const ssize_t n = ::read(master_, buf, sizeof buf);
        if (n <= 0) {
            done_ = true;  // EIO: the child closed its side
            return false;
        }
        screen_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int master_ = -1;
    std::string screen_;
    std::size_t mark_ = 0;
    bool done_ = false;
};

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("on a terminal, run waits after each demo: Enter goes on, q stops and counts") {
    const Home home;
    Pty term({"run", "1", "--clock", "virtual"}, home);
    REQUIRE(term.expect("━━ 1/5 coroutine-vs-task"));
    REQUIRE(term.expect(prompt));
    CHECK(term.quiet_for(300));  // it waits: the next demo does not start by itself
    CHECK(term.screen().find("━━ 2/5") == std::string::npos);
    term.type("\n");
    REQUIRE(term.expect("━━ 2/5 sequential"));
    REQUIRE(term.expect(prompt));
    term.type("q");
    CHECK(term.exit_code() == 0);
    CHECK(term.screen().find("━━ 3/5") == std::string::npos);
    CHECK(term.screen().find("Interrupted") == std::string::npos);
    CHECK(home.runs(1) == 1);
}

TEST_CASE("on a terminal, the last demo is not followed by a prompt") {
    const Home home;
    Pty term({"run", "4", "--clock", "virtual", "--demo", "lock", "--demo", "event"}, home);
    REQUIRE(term.expect("━━ 1/2 lock"));
    REQUIRE(term.expect(prompt));
    term.type("\r");
    REQUIRE(term.expect("━━ 2/2 event"));
    CHECK(term.exit_code() == 0);
    CHECK(count(term.screen(), prompt) == 1);
    CHECK(home.runs(4) == 1);
}

TEST_CASE("run --no-pause on a terminal never waits") {
    const Home home;
    Pty term({"run", "1", "--clock", "virtual", "--no-pause"}, home);
    REQUIRE(term.expect("━━ 5/5 first-completed"));
    CHECK(term.exit_code() == 0);
    CHECK(term.screen().find(prompt) == std::string::npos);
    CHECK(home.runs(1) == 1);
}

TEST_CASE("Ctrl-C at the prompt stops the run as it would during a demo: 130, nothing recorded") {
    const Home home;
    Pty term({"run", "2", "--clock", "virtual"}, home);
    REQUIRE(term.expect(prompt));
    term.type("\x03");  // the terminal sends SIGINT, as it does for the learner's Ctrl-C
    REQUIRE(term.expect("Interrupted before the next demo"));
    CHECK(term.exit_code() == 130);
    CHECK(term.screen().find("━━ 2/4") == std::string::npos);
    CHECK(home.runs(2) == 0);
}

// The quiz on a real terminal (a pseudo-terminal, as tmux would give it): asked one question at a
// time, an unreadable answer asked again, feedback after each, the score at the end; Ctrl-D
// half-way records nothing; and `progress --reset` asks before it erases.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include "quiz_helpers.hpp"

using namespace asynclab::testing;

namespace {

/// The binary on a pseudo-terminal of 100 columns, driven by keys.
class PtySession {
  public:
    PtySession(const std::vector<std::string>& args, const TempHome& home) {
        winsize size{};
        size.ws_row = 40;
        size.ws_col = 100;
        pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::setenv("ASYNCLAB_HOME", home.path().c_str(), 1);
            ::unsetenv("XDG_STATE_HOME");
            ::unsetenv("NO_COLOR");
            ::setenv("LANG", "C.UTF-8", 1);
            ::setenv("TERM", "xterm-256color", 1);
            std::vector<char*> argv{const_cast<char*>(ASYNCLAB_BINARY)};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(ASYNCLAB_BINARY, argv.data());
            ::_exit(127);
        }
    }
    PtySession(const PtySession&) = delete;
    PtySession& operator=(const PtySession&) = delete;
    ~PtySession() {
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
            if (std::chrono::steady_clock::now() > deadline || !read_some(200)) {
                if (std::chrono::steady_clock::now() > deadline || done_) return false;
            }
        }
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

}  // namespace

TEST_CASE("an interactive quiz 1 on a terminal, with an unreadable answer asked again") {
    const TempHome home;
    const json quiz = quiz_for(1, 21);
    const std::vector<std::string> answers = typed_right_answers(quiz);
    const std::string of = fmt::format(" of {}", answers.size());
    PtySession term({"quiz", "1", "--seed", "21"}, home);
    REQUIRE(term.expect(
        fmt::format("pass mark 80% ({}{} right)", quiz["pass_mark"]["right"].get<int>(), of)));
    for (std::size_t i = 0; i < answers.size(); ++i) {
        CAPTURE(i);
        REQUIRE(term.expect("Question " + std::to_string(i + 1) + of));
        REQUIRE(term.expect("Your answer"));
        if (i == 0) {
            term.type("zz\n");
            REQUIRE(term.expect("not one of the choices"));
            REQUIRE(term.expect("try again"));
            REQUIRE(term.expect("Your answer"));
        }
        term.type(answers[i] + "\n");
        REQUIRE(term.expect("Right"));
    }
    REQUIRE(term.expect(fmt::format("Score: {}{} (100%).", answers.size(), of)));
    REQUIRE(term.expect("Passed"));
    CHECK(term.exit_code() == 0);
    CHECK(term.screen().find("\x1b[") != std::string::npos);  // colour on a terminal
    CHECK(term.screen().find("✓") != std::string::npos);
    const json saved = json::parse(slurp(home.file()));
    CHECK(saved["lessons"]["1"]["quiz_attempts"] == 1);
    CHECK(saved["lessons"]["1"]["passed"] == true);
}

TEST_CASE("Ctrl-D in the middle of an interactive quiz records nothing") {
    const TempHome home;
    REQUIRE(
        launch({"quiz", "1", "--seed", "1", "--answers", placeholder_answers(1, 1)}, {home.env()})
            .exit_code == 1);
    const std::string before = slurp(home.file());
    PtySession term({"quiz", "1"}, home);
    REQUIRE(term.expect("Your answer"));
    term.type("b\n");
    const std::size_t n = asynclab::lessons::lesson_text(1).questions.size();
    REQUIRE(term.expect(fmt::format("Question 2 of {}", n)));
    REQUIRE(term.expect("Your answer"));
    term.type("\x04");
    REQUIRE(term.expect(fmt::format("stopped at question 2 of {}: nothing was recorded", n)));
    CHECK(term.exit_code() == 1);
    CHECK(slurp(home.file()) == before);
}

TEST_CASE("quiz --json on a terminal needs the answers up front") {
    const TempHome home;
    PtySession term({"quiz", "1", "--json"}, home);
    CHECK(term.exit_code() == 2);
    CHECK(term.screen().find("needs the answers up front") != std::string::npos);
}

TEST_CASE("progress --reset asks first: no keeps everything, yes erases") {
    const TempHome home;
    REQUIRE(launch({"run", "1", "--clock", "virtual", "--demo", "sequential"}, {home.env()})
                .exit_code == 0);
    {
        PtySession term({"progress", "--reset"}, home);
        REQUIRE(term.expect("Erase all progress (0 lessons passed, 0 quiz attempts, 1 run)"));
        REQUIRE(term.expect("[y/N]"));
        term.type("n\n");
        REQUIRE(term.expect("Nothing was erased."));
        CHECK(term.exit_code() == 1);
        CHECK(json::parse(slurp(home.file()))["lessons"]["1"]["runs"] == 1);
    }
    PtySession term({"progress", "--reset"}, home);
    REQUIRE(term.expect("[y/N]"));
    term.type("y\n");
    REQUIRE(term.expect("Progress erased."));
    CHECK(term.exit_code() == 0);
    CHECK(json::parse(slurp(home.file()))["lessons"].empty());
}

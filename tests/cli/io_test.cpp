// The binary at the edges of its process: standard streams closed or full, a trace file that
// cannot be written, and the learner's own input echoed back in an error.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "process.hpp"

using namespace asynclab::testing;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Runs the binary with stdout and stderr in files and stdin on /dev/null, after `arrange`
/// (in the child, just before exec) has closed or redirected what the test is about.
Result run_arranged(const std::vector<std::string>& args, const std::function<void()>& arrange,
                    const std::vector<std::string>& env = {}) {
    const std::string base =
        std::filesystem::temp_directory_path() / ("asynclab-io-test-" + std::to_string(getpid()));
    const std::string out_path = base + ".out", err_path = base + ".err";
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(open("/dev/null", O_RDONLY), 0);
        dup2(open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 1);
        dup2(open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 2);
        for (int fd = 3; fd < 64; ++fd) close(fd);
        arrange();
        for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> argv{const_cast<char*>(ASYNCLAB_BINARY)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(ASYNCLAB_BINARY, argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    std::filesystem::remove(out_path);
    std::filesystem::remove(err_path);
    return r;
}

std::function<void()> closing(int fd) {
    return [fd] { close(fd); };
}

std::function<void()> stdout_to(const char* path) {
    return [path] { dup2(open(path, O_WRONLY), 1); };
}

// Lesson 2's quiz asks only for letters and numbers, so any seed takes these answers.
const std::vector<std::string> quiz_args = {"quiz",      "2", "--seed", "1",
                                            "--answers", "a,1,a,a,a,a,a,a,a", "--json"};

}  // namespace

TEST_CASE("a closed stdin, stdout or stderr: the command runs as usual, no abort in libuv") {
    for (int fd : {0, 1, 2}) {
        CAPTURE(fd);
        const Result run = run_arranged({"run", "3", "--clock", "virtual"}, closing(fd));
        CHECK(run.exit_code == 0);
        if (fd != 1) CHECK(run.out.find("Lesson 3") != std::string::npos);
        if (fd != 2) CHECK(run.err == "");
        CHECK(run_arranged({"list"}, closing(fd)).exit_code == 0);
        // Graded either way (these answers need not pass): 0 or 1, never a signal.
        const Result quiz = run_arranged(quiz_args, closing(fd));
        CHECK((quiz.exit_code == 0 || quiz.exit_code == 1));
        if (fd != 1) CHECK(quiz.out.find("\"score\"") != std::string::npos);
    }
}

TEST_CASE("output that cannot be written is a failure: exit 1 and one line") {
    const std::vector<std::vector<std::string>> commands = {
        {"run", "3", "--clock", "virtual"},
        {"run", "3", "--clock", "virtual", "--json"},
        {"list"},
        {"list", "--json"},
        {"show", "3"},
        {"show", "3", "--code"},
        {"progress"},
        {"--help"},
        {"run", "--help"},
        {"--version"},
        quiz_args};
    for (const auto& args : commands) {
        CAPTURE(args.front());
        CAPTURE(args.size());
        const Result r = run_arranged(args, stdout_to("/dev/full"));
        CHECK(r.exit_code == 1);
        CHECK(r.err == "asynclab: cannot write the output: No space left on device\n");
    }
}

TEST_CASE("--trace to a full device: exit 1, one line, and the run still counts") {
    const std::filesystem::path home =
        std::filesystem::temp_directory_path() / ("asynclab-io-home-" + std::to_string(getpid()));
    std::filesystem::remove_all(home);
    const std::string env = "ASYNCLAB_HOME=" + home.string();
    const Result r =
        run_arranged({"run", "3", "--clock", "virtual", "--trace", "/dev/full"}, [] {}, {env});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "asynclab: --trace: cannot write /dev/full\n");
    const Result progress = run_arranged({"progress", "--json"}, [] {}, {env});
    CHECK(progress.out.find("\"runs\": 1,") != std::string::npos);
    std::filesystem::remove_all(home);
}

TEST_CASE("input echoed in an error: control characters escaped, long values cut") {
    SUBCASE("our own message") {
        const Result r = run_cli({"run", "3", "--demo", "x\x1b[31mRED\a"});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find('\x1b') == std::string::npos);
        CHECK(r.err.find('\a') == std::string::npos);
        CHECK(r.err.find("lesson 3 has no demo 'x\\e[31mRED\\a'") != std::string::npos);
    }
    SUBCASE("CLI11's message") {
        const Result r = run_cli({"run", "3", "\x1b]0;title\a"});
        CHECK(r.exit_code == 2);
        CHECK(line_count(r.err) == 1);
        CHECK(r.err.find('\x1b') == std::string::npos);
        CHECK(r.err.find("\\e]0;title\\a") != std::string::npos);
    }
    SUBCASE("a 100 KB value, ours and CLI11's") {
        const std::string huge(100'000, 'x');
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"run", "3", "--demo", huge}, {"run", "3", huge}, {huge}, {"quiz", huge}}) {
            const Result r = run_cli(args);
            CHECK(r.exit_code == 2);
            CHECK(line_count(r.err) == 1);
            CHECK(r.err.size() < 700);
            CHECK(r.err.find(std::string(60, 'x') + "…") != std::string::npos);
            CHECK(r.err.find(std::string(61, 'x')) == std::string::npos);
        }
    }
}

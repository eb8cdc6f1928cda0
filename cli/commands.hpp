#pragma once
// The subcommands. Each returns the process's exit code (SPEC section 2): 0 success, 1 a lesson
// that failed or a quiz not passed, 2 bad usage, 128 + the signal when interrupted (130 Ctrl-C,
// 143 SIGTERM, 129 SIGHUP). Bad usage is thrown as
// UsageError and printed by main() as one line.

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "asynclab/clock.hpp"
#include "asynclab/lessons/lesson.hpp"
#include "terminal/terminal.hpp"

namespace asynclab::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;
inline constexpr int exit_usage = 2;

/// Bad input: the message is the one line shown to the learner.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct RunArgs {
    int lesson = 0;
    ClockMode clock = ClockMode::Real;
    double speed = 1.0;
    std::uint64_t seed = 42;
    bool json = false;
    bool no_pause = false;  ///< Never wait for Enter between demos (a non-terminal never does).
    std::optional<std::string> trace_file;
    std::vector<std::string> demos;
    /// Only those given on the command line, as typed; lessons::parse_knobs checks them.
    std::map<std::string, std::string> knobs;
};

struct QuizArgs {
    std::optional<int> lesson;  ///< None: the first lesson not passed yet.
    std::optional<std::string> answers;
    std::optional<std::uint64_t> seed;  ///< None: a fresh one per attempt.
    bool json = false;
};

struct ProgressArgs {
    bool reset = false;
    bool yes = false;
    bool json = false;
};

struct TraceArgs {
    std::string program;
    std::vector<std::string> args;  ///< The program's own (its sys.argv[1:]).
    ClockMode clock = ClockMode::Real;
    bool json = false;
    std::optional<std::string> trace_file;
    double timeout_s = 60;
    std::uint64_t memory_mb = 2048;
};

int list_command(const Terminal& term, bool json);
int run_command(const RunArgs& args, const Terminal& term);
/// What `show` prints: the lesson's words (with each demo's asyncio code), or one listing.
enum class Listing { None, Python, Cpp };
int show_command(int lesson, Listing listing, bool json, const Terminal& term);
int quiz_command(const QuizArgs& args, const Terminal& term);
int progress_command(const ProgressArgs& args, const Terminal& term);
/// `view FILE`: redraws a saved `run --json` document; `-` reads standard input.
int view_command(const std::string& file, const Terminal& term);

struct ExerciseArgs {
    std::optional<std::string> start;  ///< `exercise start NAME`: write its starter.
    std::string dir = ".";
    bool json = false;
};

struct CheckArgs {
    std::string exercise;
    std::optional<std::string> file;  ///< None: NAME.py in the current directory.
    bool json = false;
    double timeout_s = 20;
};

/// `trace PROG [ARGS]`: the learner's own asyncio program, recorded and drawn like a lesson.
int trace_command(const TraceArgs& args, const Terminal& term);
/// `exercise`: the exercises with the learner's progress; `exercise start NAME`: its starter.
int exercise_command(const ExerciseArgs& args, const Terminal& term);
/// `check NAME [FILE]`: exit 0 when every check passes, 1 when one fails.
int check_command(const CheckArgs& args, const Terminal& term);
/// `hint NAME`: the next tier of hints (and the ones seen before).
int hint_command(const std::string& exercise, bool json, const Terminal& term);

/// Lesson `number`, or UsageError naming the valid ones.
const lessons::Lesson& require_lesson(int number);

}  // namespace asynclab::cli

#pragma once
// A learner's asyncio program run under the recorder (cli/trace/recorder.py, carried inside the
// binary) as a child process of its own: its own process group, a wall-clock and a memory limit.
// The recorder's typed events (cli/trace/protocol.md) become the same Trace the engine records, so
// every view of `run` draws it; what only a learner's program has — mistakes named with file and
// line, the wait-for chain of a hang — comes beside it, typed too. `trace` runs a program with it;
// `check` can run an exercise's harness the same way.

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "asynclab/clock.hpp"
#include "asynclab/trace.hpp"

namespace asynclab::cli {

/// A mistake the recorder saw, with where in the learner's code it was.
struct Finding {
    enum class Kind : std::uint8_t {
        BlockingCall,  ///< time.sleep, requests.get... on the loop thread, inside a task.
        SlowStep,      ///< One step of a task held the loop longer than 100 ms.
        NeverAwaited,  ///< A coroutine created and never awaited.
        Unretrieved,   ///< A task failed and nobody ever asked for its exception.
    };
    Kind kind = Kind::BlockingCall;
    std::uint32_t task = 0;
    Duration t{};         ///< When (BlockingCall, SlowStep).
    Duration held{};      ///< How long it held the loop (BlockingCall, SlowStep).
    std::string what;     ///< The call ("time.sleep"), the coroutine's name, or the error's kind.
    std::string message;  ///< Unretrieved: the error's message.
    std::string file;
    int line = 0;
    std::string end_file;  ///< SlowStep: where the step ended.
    int end_line = 0;
};

/// One task stuck in a hang, and who could have released it.
struct StuckTask {
    std::uint32_t task = 0;
    WaitKind wait = WaitKind::Other;
    std::string name;
    std::string file;
    int line = 0;
    std::vector<std::uint32_t> releasers;  ///< Tasks that could release it (holders, producers...).
    std::int64_t count = 0;                ///< queue.join: items not done; gather: tasks pending.
};

enum class Outcome : std::uint8_t {
    Ok,           ///< The program ended by itself, exit status 0.
    Exited,       ///< sys.exit(N) with N != 0.
    Exception,    ///< An exception ended it (its traceback went to stderr).
    Hang,         ///< Nothing could ever run again.
    RealIo,       ///< Real I/O under the virtual clock.
    TimedOut,     ///< --timeout ran out.
    Interrupted,  ///< Ctrl-C (or SIGTERM, SIGHUP).
    Killed,       ///< Ended by a signal of its own (the memory limit, a crash).
    NoRecorder,   ///< python3 ended before the recorder said hello: not a Python asyncio can run.
    OldPython,    ///< python3 older than 3.9.
};

std::string_view to_string(Outcome outcome) noexcept;
std::optional<Outcome> outcome_from(std::string_view name) noexcept;

struct ScenarioRun;

struct Recording {
    Trace trace;
    Duration end{};
    Outcome outcome = Outcome::Ok;
    int exit_code = 0;           ///< The program's own (Exited), or the signal (Killed).
    std::string python_version;  ///< "3.11.2", from the recorder's hello.
    std::string real_io;         ///< RealIo: what did it ("socket", "requests.get").
    std::string real_io_file;
    int real_io_line = 0;
    std::string error;  ///< Exception: "ValueError: bad input".
    std::vector<Finding> findings;
    std::vector<StuckTask> stuck;
    /// `asynclab check`: each scenario of the exercise, its own recording; the fields above then
    /// hold only what came before the first (loading the learner's file) and how the process ended.
    std::vector<ScenarioRun> scenarios;
};

/// One verdict of an exercise's checks.py, with the figures its words are filled with.
struct CheckResult {
    std::string id;
    bool passed = false;
    nlohmann::json figures;
};

/// A scenario of `asynclab check`: the learner's code run once, from time 0 and task 1.
struct ScenarioRun {
    enum class Stop : std::uint8_t {
        Finished,      ///< Ran to its end (its checks say how well).
        Hang,          ///< Nothing could run again (run.stuck has the chain).
        TooLong,       ///< Its clock passed the scenario's limit.
        Raised,        ///< The learner's code raised (run.error; the traceback went to stderr).
        NotCoroutine,  ///< A function that should be `async def` is not (`not_coroutine`: what
                       ///< it returned, when known).
        Missing,       ///< The learner's file lacks what the checks call (`missing`).
    };
    std::string id;
    Recording run;  ///< Its trace, end, findings and stuck tasks; outcome Hang or Exception.
    std::vector<CheckResult> checks;
    Stop stop = Stop::Finished;
    std::string not_coroutine;  ///< The type returned instead ("list").
    std::string missing;        ///< "save_all", "Cache.get".
    std::string error_file;     ///< Raised: where in the learner's code.
    int error_line = 0;
};

struct RecorderOptions {
    std::string python;  ///< The interpreter to run (a path).
    std::string program;
    std::vector<std::string> args;
    ClockMode clock = ClockMode::Real;
    Duration timeout = std::chrono::seconds(60);
    std::uint64_t memory_mb = 2048;
    /// The program's standard output: -1 ours, else this fd (trace --json sends it to stderr).
    int stdout_fd = -1;
    /// `check`: Python modules (name, source) handed to the recorder; the first one's main() runs
    /// with `program` instead of the program itself.
    std::vector<std::pair<std::string, std::string_view>> modules;
    const std::atomic<bool>* interrupt = nullptr;
};

/// A Python file carried inside the binary for python3 to run ("recorder.py", "exercise_kit.py");
/// empty when this build lacks it.
[[nodiscard]] std::string_view embedded_python(std::string_view file_name);

/// python3 on PATH, as a path; none when no directory of PATH has one.
[[nodiscard]] std::optional<std::string> find_python();

/// Runs the program to its end (or the limit, or the interrupt). `on_event` sees each event as it
/// is recorded, with the trace it is in (to name its task): live output.
Recording record_program(const RecorderOptions& options,
                         const std::function<void(const TraceEvent&, const Trace&)>& on_event = {});

/// The figures of a trace: tasks, peak concurrency (tasks started and not yet ended at once),
/// makespan.
[[nodiscard]] std::vector<std::pair<std::string, Value>> trace_metrics(const Recording& r);

}  // namespace asynclab::cli

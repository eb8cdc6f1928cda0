// `asynclab trace PROG.py [ARGS...]`: the learner's own asyncio program, run under the recorder
// and shown as a lesson is: live output, a lane per task, end states, figures — and the mistakes
// it made, or why it hung.
#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "commands.hpp"
#include "run/chrome_trace.hpp"
#include "run/demo_page.hpp"
#include "run/interrupt.hpp"
#include "run/json_writer.hpp"
#include "trace/trace_page.hpp"
#include "words.hpp"

namespace asynclab::cli {

int trace_command(const TraceArgs& args, const Terminal& term) {
    {
        std::ifstream probe(args.program);
        if (!probe || std::filesystem::is_directory(args.program)) {
            throw UsageError(say("trace.unreadable", fmt::arg("file", args.program),
                                 fmt::arg("why", std::filesystem::is_directory(args.program)
                                                     ? tr("trace.is_directory")
                                                     : std::string(std::strerror(errno)))));
        }
    }
    const std::optional<std::string> python = find_python();
    if (!python) {
        throw std::runtime_error(say("trace.no_python", fmt::arg("command", "trace")));
    }
    if (args.trace_file) {
        std::ofstream probe(*args.trace_file);
        if (!probe)
            throw UsageError(say("run.trace_unwritable", fmt::arg("file", *args.trace_file)));
    }

    const std::string title = std::filesystem::path(args.program).filename().string();
    std::function<void(const TraceEvent&, const Trace&)> on_event;
    if (!args.json) {
        fmt::print("{}", trace_heading(title, term));
        std::fflush(stdout);
        on_event = [&term](const TraceEvent& e, const Trace& trace) {
            const std::string line = live_line(e, trace, term);
            if (line.empty()) return;
            fmt::print("{}", line);
            std::fflush(stdout);
        };
    }
    const RecorderOptions options{.python = *python,
                                  .program = args.program,
                                  .args = args.args,
                                  .clock = args.clock,
                                  .timeout = secs(args.timeout_s),
                                  .memory_mb = args.memory_mb,
                                  // --json: standard output holds only the document.
                                  .stdout_fd = args.json ? STDERR_FILENO : -1,
                                  .modules = {},
                                  .interrupt = &stop_requested()};
    const Recording r = record_program(options, on_event);
    if (r.outcome == Outcome::NoRecorder) {
        throw std::runtime_error(
            say("trace.no_recorder", fmt::arg("python", *python), fmt::arg("command", "trace")));
    }
    if (r.outcome == Outcome::OldPython) {
        throw std::runtime_error(say("trace.old_python", fmt::arg("command", "trace"),
                                     fmt::arg("python", *python),
                                     fmt::arg("version", r.python_version)));
    }

    if (args.json) {
        JsonWriter out(stdout);
        trace_json(out, r, args.program, args.args, args.clock);
        out.finish();
        fmt::print("\n");
    } else {
        fmt::print("{}", trace_result(r, term));
    }
    if (args.trace_file) {
        const TraceSection section{title, &r.trace, r.end};
        std::ofstream out(*args.trace_file);
        out << chrome_trace({&section, 1})
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            << '\n';
        out.close();
        if (!out)
            throw std::runtime_error(
                say("run.trace_unwritable", fmt::arg("file", *args.trace_file)));
    }
    if (r.outcome == Outcome::Interrupted) return stop_exit_code();
    return r.outcome == Outcome::Ok ? exit_ok : exit_failed;
}

}  // namespace asynclab::cli

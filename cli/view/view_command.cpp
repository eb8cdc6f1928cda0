// `asynclab view FILE|-`: redraws a run saved with `asynclab run N --json` — its headings, live
// lines, timelines and figures, as the run printed them (the lesson's prose is not saved).
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "run/demo_page.hpp"
#include "trace/trace_page.hpp"
#include "view/saved_run.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

std::string read_all(const std::string& file) {
    std::ostringstream text;
    if (file == "-") {
        text << std::cin.rdbuf();
        return text.str();
    }
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw UsageError(
            say("view.cannot_read", fmt::arg("file", file), fmt::arg("why", std::strerror(errno))));
    text << in.rdbuf();
    return text.str();
}

}  // namespace

int view_command(const std::string& file, const Terminal& term) {
    const std::string name = file == "-" ? tr("view.stdin") : file;
    SavedRun run;
    try {
        run = read_saved_run(read_all(file));
    } catch (const DocumentError& e) {
        throw UsageError(fmt::format("{}: {}", name, e.what()));
    }
    if (run.slug == "trace" && run.demos.size() == 1) {
        // A saved `trace --json`: drawn as `trace` drew it.
        SavedDemo& demo = run.demos.front();
        Recording r;
        try {
            read_trace_extras(demo.json, r);
        } catch (const nlohmann::json::exception& e) {
            throw UsageError(fmt::format("{}: not a saved trace: {}", name, e.what()));
        }
        r.trace = std::move(demo.trace);
        r.end = demo.duration;
        std::string out = trace_heading(run.title, term);
        for (const TraceEvent& e : r.trace.events()) out += live_line(e, r.trace, term);
        out += trace_result(r, term);
        fmt::print("{}", out);
        return exit_ok;
    }
    std::string out = lesson_heading(run.lesson, run.title, term);
    int shown = 0;
    for (const SavedDemo& demo : run.demos) {
        out += demo_heading(++shown, run.demos_chosen, demo.id, demo.title, term);
        out += twin_line(run.lesson, demo.id, term);
        for (const TraceEvent& e : demo.trace.events()) out += live_line(e, demo.trace, term);
        out += demo_result(read_trace(demo.trace, demo.duration), demo.interrupted, demo.error,
                           demo.metrics, term);
    }
    fmt::print("{}", out);
    return exit_ok;
}

}  // namespace asynclab::cli

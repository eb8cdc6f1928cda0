#include "run/demo_page.hpp"

#include <fmt/format.h>

#include "run/summary.hpp"
#include "run/timeline.hpp"

namespace asynclab::cli {

std::string lesson_heading(int number, std::string_view title, const Terminal& term) {
    return fmt::format("{}\n\n",
                       term.paint(fmt::format("Lesson {} · {}", number, title), Style::Heading));
}

std::string demo_heading(int shown, int total, std::string_view id, std::string_view title,
                         const Terminal& term) {
    const std::string_view rule = term.unicode ? "━━" : "==";
    return fmt::format(
        "{}\n", term.paint(fmt::format("{} {}/{} {} · {} {}", rule, shown, total, id, title, rule),
                           Style::Heading));
}

std::string live_line(const TraceEvent& e, const Trace& trace, const Terminal& term) {
    std::string text;
    Style style = Style::Dim;
    if (e.type == EventType::Log) {
        const bool own = e.name == channel::output;
        text = own ? e.text : fmt::format("[{}] {}", e.name, e.text);
        style = e.name == channel::engine ? Style::Warn : own ? Style::Plain : Style::Dim;
    } else if (e.type == EventType::BreakerChanged) {
        text = fmt::format("[{}] {} -> {}", e.name, to_string(e.from), to_string(e.to));
    } else {
        return {};
    }
    const TaskInfo* task = trace.task(e.task);
    const std::string who = task != nullptr ? task->name : "loop";
    return fmt::format(
        "{}  {}  {}\n", term.paint(fmt::format("{:>8.3f} s", to_secs(e.t)), Style::Dim),
        term.paint(fmt::format("{:<10}", who), Style::Accent), term.paint(text, style));
}

std::string demo_result(const TraceReading& reading, bool interrupted,
                        const std::optional<std::string>& error,
                        const lessons::Metrics& metrics, const Terminal& term) {
    std::string out = "\n" + render_timeline(reading, {.terminal = &term, .unicode = term.unicode});
    if (interrupted) {
        out += fmt::format(
            "\n{}\n",
            term.paint("Interrupted: the tasks were cancelled; above is what happened so far.",
                       Style::Warn));
    } else if (error) {
        // (A demo cancelled by Ctrl-C is reported above; any other failure is a bug.)
        out += fmt::format("\n{}\n",
                           term.paint(fmt::format("The demo failed: {}", *error), Style::Bad));
    } else {
        out += fmt::format("\n{}\n", render_summary(metrics, term));
    }
    return out;
}

}  // namespace asynclab::cli

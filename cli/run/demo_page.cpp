#include "run/demo_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "asynclab/lessons/embedded.hpp"
#include "run/summary.hpp"
#include "run/timeline.hpp"
#include "terminal/text.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

/// `text` in lines of at most `width` columns: broken between words, and a word longer than a
/// line cut with an ellipsis (a terminal would break it anywhere, past the indent).
std::vector<std::string> fit_lines(std::string_view text, int width, bool unicode) {
    std::vector<std::string> lines;
    if (display_width(text) <= width) {
        lines.emplace_back(text);
        return lines;
    }
    std::istringstream wrapped(wrap_paragraphs(text, width));
    for (std::string line; std::getline(wrapped, line);) {
        if (!line.empty()) lines.push_back(cut_to_width(line, width, unicode));
    }
    return lines;
}

/// Each line of `lines` painted on its own (a colour never runs into the next line), the first
/// after `first`, the others after `indent` columns.
std::string paint_lines(const std::vector<std::string>& lines, std::string_view first, int indent,
                        Style style, const Terminal& term) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += i == 0 ? std::string(first) : std::string(static_cast<std::size_t>(indent), ' ');
        out += term.paint(lines[i], style) + "\n";
    }
    return out;
}

}  // namespace

std::string cut_to_width(std::string_view text, int width, bool unicode) {
    if (display_width(text) <= width) return std::string(text);
    if (width <= 0) return {};
    return fmt::format("{}{}", display_head(text, width - 1), unicode ? "…" : "~");
}

std::string lesson_heading(int number, std::string_view title, const Terminal& term) {
    const std::string heading =
        say("run.lesson_heading", fmt::arg("n", number), fmt::arg("title", title));
    return paint_lines(fit_lines(heading, term.width, term.unicode), "", 0, Style::Heading, term) +
           "\n";
}

std::string demo_heading(int shown, int total, std::string_view id, std::string_view title,
                         const Terminal& term) {
    const std::string_view rule = term.unicode ? "━━" : "==";
    const std::string heading =
        fmt::format("{} {}/{} {} · {} {}", rule, shown, total, id, title, rule);
    return paint_lines(fit_lines(heading, term.width, term.unicode), "", 0, Style::Heading, term);
}

std::string twin_line(int lesson, std::string_view demo_id, const Terminal& term) {
    const lessons::Lesson* found = lessons::find_lesson(lesson);
    if (found == nullptr) return "";
    const std::string twin = lessons::twin_file(*found);
    return watch_line(say("run.twin_line", fmt::arg("function", lessons::twin_function(demo_id)),
                          fmt::arg("file", twin.substr(twin.rfind('/') + 1))),
                      term);
}

std::string watch_line(std::string_view text, const Terminal& term) {
    return fmt::format("  {}\n",
                       term.paint(cut_to_width(text, term.width - 2, term.unicode), Style::Dim));
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
    const std::string who = pad_right(task != nullptr ? task->name : tr("run.loop"), 10);
    const std::string time = fmt::format("{:>8.3f} s", to_secs(e.t));
    const std::string prefix =
        fmt::format("{}  {}  ", term.paint(time, Style::Dim), term.paint(who, Style::Accent));
    // A long line wraps under its own text, so the times and names stay a clean column.
    const int indent = display_width(time) + 2 + display_width(who) + 2;
    const int room = std::max(20, term.width - indent);
    return paint_lines(fit_lines(text, room, term.unicode), prefix, indent, style, term);
}

std::string demo_result(const TraceReading& reading, bool interrupted,
                        const std::optional<std::string>& error, const lessons::Metrics& metrics,
                        const Terminal& term, std::string_view watch) {
    std::string out = "\n";
    if (!watch.empty()) out += watch_line(watch, term);
    out += render_timeline(reading, {.terminal = &term, .unicode = term.unicode});
    if (interrupted) {
        out += fmt::format("\n{}\n", term.paint(tr("run.interrupted"), Style::Warn));
    } else if (error) {
        // (A demo cancelled by Ctrl-C is reported above; any other failure is a bug.)
        out += fmt::format(
            "\n{}\n", term.paint(say("run.demo_failed", fmt::arg("error", *error)), Style::Bad));
    } else {
        out += fmt::format("\n{}\n", render_summary(metrics, term));
    }
    return out;
}

}  // namespace asynclab::cli

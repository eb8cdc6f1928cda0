// Draws a demo's trace as lanes of marks under a time axis. One column is a round span of time
// (1, 1.25, 2, 2.5 or 5 × 10^k ns) so that virtual-clock events land exactly on column boundaries
// and the tick labels stay round; the lane is as long as that span allows, not always the full
// width. A column shows what took most of its time, so that a real clock's microsecond steps never
// read as a state of their own; instants (a brief run, an end) are drawn over it. Counter lanes
// (a queue's depth, a semaphore's permits in use) follow the task lanes, a digit per column.
#include "run/timeline.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "run/segments.hpp"
#include "run/timeline_marks.hpp"
#include "run/timeline_text.hpp"
#include "run/value_json.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

using timeline::clean;
using timeline::fit;
using timeline::Line;
using timeline::look;
using timeline::Mark;
using timeline::mark_count;
using timeline::width_of;

struct Painter {
    const Terminal& terminal;
    bool unicode;

    [[nodiscard]] std::string_view glyph(Mark mark) const {
        return unicode ? look(mark).unicode : look(mark).ascii;
    }
    [[nodiscard]] std::string marks(Mark mark, int count) const {
        std::string text;
        for (int i = 0; i < count; ++i) text += glyph(mark);
        return terminal.paint(text, look(mark).style);
    }
    void marks(Line& line, Mark mark, int count) const {
        if (mark == Mark::Empty) return line.skip(count);
        line.put(marks(mark, count), count);
    }
    void text(Line& line, std::string_view text, Style style) const {
        line.put(terminal.paint(text, style), width_of(text));
    }
};

// --- time ------------------------------------------------------------------------------------

/// Round numbers of ns from 1 µs up, in order: 1, 2, 2.5, 5 times a power of ten for tick steps,
/// and 1.25 too for columns (a lane then fills more of its room). Nothing that would split the
/// lessons' decimal times: 10 ms beats in 4 ms columns would look irregular.
std::vector<std::int64_t> round_spans(std::initializer_list<std::int64_t> eighths) {
    std::vector<std::int64_t> spans;
    for (std::int64_t unit = 1'000; unit <= 100'000'000'000'000'000; unit *= 10) {
        for (std::int64_t e : eighths) spans.push_back(unit / 8 * e);
    }
    return spans;
}

const std::vector<std::int64_t>& column_spans() {
    static const auto spans = round_spans({8, 10, 16, 20, 40});
    return spans;
}

const std::vector<std::int64_t>& tick_steps() {
    static const auto steps = round_spans({8, 16, 20, 40});
    return steps;
}

struct Scale {
    std::int64_t column_ns = 1'000'000;
    int columns = 1;  ///< The last column holds the demo's end.

    [[nodiscard]] int column(Duration t) const {
        return static_cast<int>(std::clamp<std::int64_t>(t.count() / column_ns, 0, columns - 1));
    }
    /// Columns a span touches; an empty span still takes the column of its instant.
    [[nodiscard]] std::pair<int, int> columns_of(Duration begin, Duration end) const {
        if (end <= begin) return {column(begin), column(begin)};
        return {column(begin), column(end - Duration{1})};
    }
};

Scale choose_scale(Duration end, int max_columns) {
    if (end <= Duration{}) return Scale{};
    for (std::int64_t span : column_spans()) {
        if (end.count() / span + 1 <= max_columns) {
            return Scale{span, static_cast<int>(end.count() / span) + 1};
        }
    }
    return Scale{column_spans().back(), 1};
}

/// Decimals that show every multiple of step_ns (in seconds) exactly.
int decimals_for(std::int64_t step_ns) {
    int decimals = 0;
    for (std::int64_t unit = 1'000'000'000; decimals < 9 && step_ns % unit != 0; unit /= 10) {
        ++decimals;
    }
    return decimals;
}

std::string tick_label(std::int64_t t_ns, int decimals) {
    return fmt::format("{:.{}f}s", static_cast<double>(t_ns) / 1e9, decimals);
}

struct Ticks {
    std::int64_t step_ns = 0;
    int decimals = 0;
};

/// The finest round step whose labels have room to breathe between ticks.
Ticks choose_ticks(const Scale& scale) {
    const std::int64_t last_ns = static_cast<std::int64_t>(scale.columns - 1) * scale.column_ns;
    for (std::int64_t step : tick_steps()) {
        if (step < scale.column_ns || step % scale.column_ns != 0) continue;
        const int decimals = decimals_for(step);
        const auto label_width =
            static_cast<std::int64_t>(tick_label(last_ns - last_ns % step, decimals).size());
        if (step / scale.column_ns >= label_width + 2) return Ticks{step, decimals};
    }
    return Ticks{last_ns + scale.column_ns, 0};
}

std::string column_span(std::int64_t ns, bool unicode) {
    const auto value = static_cast<double>(ns);
    const auto [amount, unit] = ns >= 1'000'000'000 ? std::pair{value / 1e9, "s"}
                                : ns >= 1'000'000   ? std::pair{value / 1e6, "ms"}
                                                  : std::pair{value / 1e3, unicode ? "µs" : "us"};
    return say("timeline.column_span", fmt::arg("amount", amount), fmt::arg("unit", unit));
}

// --- lanes -----------------------------------------------------------------------------------

struct Lane {
    std::string name;
    Style name_style = Style::Plain;
    std::vector<Mark> cells;
    const CounterLane* counter = nullptr;  ///< A counter lane: digits instead of marks.
    std::vector<std::int64_t> values;      ///< A counter lane's value per column.
    std::string suffix;                    ///< What became of the task: "failed: ValueError".
    std::string short_suffix;  ///< The same when space is short ("ValueError": ✗ says failed).
    Style suffix_style = Style::Plain;
};

/// Each column shows the greatest mark of whatever touched it.
void paint(std::vector<Mark>& cells, std::pair<int, int> columns, Mark mark) {
    for (int c = columns.first; c <= columns.second; ++c) {
        auto& cell = cells[static_cast<std::size_t>(c)];
        cell = std::max(cell, mark);
    }
}

void set_suffix(Lane& lane, const TaskSegments& task, bool unicode) {
    const std::string_view arrow = unicode ? "→" : "->";
    lane.suffix_style = Style::Dim;
    switch (task.state) {
        case EndState::Completed: {
            const std::string result = task.result ? value_literal(*task.result) : "";
            const std::string done = tr("timeline.done");
            lane.suffix = result.empty() ? done : fmt::format("{} {} {}", done, arrow, result);
            lane.short_suffix = result.empty() ? done : fmt::format("{} {}", arrow, result);
            lane.suffix_style = Style::Good;
            return;
        }
        case EndState::Failed:
            lane.suffix = say("timeline.failed", fmt::arg("error", task.error_kind));
            lane.short_suffix = task.error_kind;
            lane.suffix_style = Style::Bad;
            return;
        case EndState::Cancelled:
            lane.suffix = tr("timeline.cancelled");
            lane.suffix_style = Style::Warn;
            break;
        case EndState::Unfinished:
            switch (task.segments.back().activity) {
                case Activity::NotStarted:
                    lane.suffix = tr("timeline.never_started");
                    break;
                case Activity::Running:
                    lane.suffix = tr("timeline.still_running");
                    break;
                case Activity::Waiting:
                    lane.suffix = tr("timeline.still_waiting");
                    break;
            }
    }
    lane.short_suffix = lane.suffix;
}

/// Spans in which a task held the loop thread for a while (lesson 5's blocking call): no other
/// task could run then, in time order (one thread: they never overlap).
std::vector<const Segment*> blocking_runs(const std::vector<TaskSegments>& tasks) {
    std::vector<const Segment*> runs;
    for (const TaskSegments& task : tasks) {
        for (const Segment& s : task.segments) {
            if (s.activity == Activity::Running && s.end > s.begin) runs.push_back(&s);
        }
    }
    std::sort(runs.begin(), runs.end(),
              [](const Segment* a, const Segment* b) { return a->begin < b->begin; });
    return runs;
}

/// Adds to each column the time of [from, to) that falls in it.
void cover(std::vector<std::int64_t>& covered, Duration from, Duration to, const Scale& scale) {
    const std::int64_t last = static_cast<std::int64_t>(covered.size()) - 1;
    for (std::int64_t c = from.count() / scale.column_ns;
         c <= last && c * scale.column_ns < to.count(); ++c) {
        covered[static_cast<std::size_t>(c)] += std::min(to.count(), (c + 1) * scale.column_ns) -
                                                std::max(from.count(), c * scale.column_ns);
    }
}

/// Raises to `mark` the columns at least half filled: a real clock's microsecond steps do not
/// make a task look busy, and a loop held for a while does.
void mark_filled(std::vector<Mark>& cells, const std::vector<std::int64_t>& covered,
                 const Scale& scale, Mark mark) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
        if (2 * covered[c] >= scale.column_ns) cells[c] = std::max(cells[c], mark);
    }
}

/// Each column shows the mark that took most of its time (a tie: the weightier mark), so a state
/// held for less than a column does not take the column from the one that filled it. Instants are
/// events, drawn over that when weightier: a wait that took no time, and running — "running"
/// where it took most of a column, "ran briefly" where the task ran at all (zero time on the
/// virtual clock) in a column otherwise idle.
void mark_main_states(std::vector<Mark>& cells, const TaskSegments& task, const Scale& scale) {
    std::vector<std::array<std::int64_t, mark_count>> took(cells.size());
    std::vector<Mark> instants(cells.size(), Mark::Empty);
    std::vector<bool> ran(cells.size(), false);
    for (const Segment& s : task.segments) {
        const Mark mark = s.activity == Activity::Running ? Mark::Running : timeline::mark_of(s);
        const auto [first, last] = scale.columns_of(s.begin, s.end);
        for (int c = first; c <= last; ++c) {
            const auto column = static_cast<std::size_t>(c);
            if (s.activity == Activity::Running) ran[column] = true;
            if (s.end <= s.begin)
                instants[column] = std::max(instants[column], timeline::mark_of(s));
        }
        if (s.end <= s.begin) continue;
        for (int c = first; c <= last; ++c) {
            const std::int64_t from = std::max(s.begin.count(), c * scale.column_ns);
            const std::int64_t to = std::min(s.end.count(), (c + 1) * scale.column_ns);
            // The last column also holds whatever runs past it (columns_of clamps).
            const std::int64_t part = c == last ? s.end.count() - from : to - from;
            took[static_cast<std::size_t>(c)][static_cast<std::size_t>(mark)] += part;
        }
    }
    for (std::size_t c = 0; c < cells.size(); ++c) {
        Mark main = Mark::Empty;
        std::int64_t most = 0;
        for (std::size_t m = 0; m < mark_count; ++m) {
            if (took[c][m] > 0 && took[c][m] >= most) {
                main = static_cast<Mark>(m);
                most = took[c][m];
            }
        }
        main = std::max(main, instants[c]);  // an instant (an empty yield, say) is drawn over it
        if (ran[c] && main < Mark::Ran) main = Mark::Ran;
        cells[c] = std::max(cells[c], main);
    }
}

/// A sleeping (or not yet started) task is stalled where another task held the loop for most of a
/// column: its timer may be due, but nothing can run.
void mark_stalls(std::vector<Mark>& cells, const TaskSegments& task,
                 const std::vector<const Segment*>& runs, const Scale& scale) {
    std::vector<std::int64_t> stalled(cells.size(), 0);
    for (const Segment& s : task.segments) {
        const bool idle = s.activity == Activity::NotStarted ||
                          (s.activity == Activity::Waiting && s.wait == WaitKind::Sleep);
        if (!idle || s.end <= s.begin) continue;
        auto run = std::partition_point(runs.begin(), runs.end(),
                                        [&](const Segment* r) { return r->end <= s.begin; });
        for (; run != runs.end() && (*run)->begin < s.end; ++run) {
            cover(stalled, std::max(s.begin, (*run)->begin), std::min(s.end, (*run)->end), scale);
        }
    }
    mark_filled(cells, stalled, scale, Mark::Stalled);
}

/// A counter lane's value per column: the most it held there, so a brief peak shows.
std::vector<std::int64_t> counter_values(const CounterLane& counter, const Scale& scale) {
    std::vector<std::int64_t> values(static_cast<std::size_t>(scale.columns), -1);
    for (const CounterStep& s : counter.steps) {
        const auto [first, last] = scale.columns_of(s.begin, s.end);
        for (int c = first; c <= last; ++c) {
            auto& v = values[static_cast<std::size_t>(c)];
            v = std::max(v, s.value);
        }
    }
    for (auto& v : values) v = std::max<std::int64_t>(v, 0);
    return values;
}

/// The digit drawn for a counter's value: itself up to 9; beyond, scaled so that 9 is the max.
char counter_digit(std::int64_t value, std::int64_t max) {
    if (value <= 0) return '0';
    if (max <= 9) return static_cast<char>('0' + value);
    return static_cast<char>('0' + std::max<std::int64_t>(1, (value * 9 + max - 1) / max));
}

/// What the lanes' waits were on, for the legend, where the mark alone does not say: a wait of an
/// unknown kind ("?": custom.thing).
using Details = std::array<std::vector<std::string_view>, mark_count>;

void note_detail(Details& details, Mark mark, std::string_view name) {
    if (mark != Mark::Other) return;
    auto& seen = details[static_cast<std::size_t>(mark)];
    if (!name.empty() && std::find(seen.begin(), seen.end(), name) == seen.end()) {
        seen.push_back(name);
    }
}

void draw_lane(std::string& out, const Lane& lane, int lane_start, int suffix_column,
               const Painter& painter) {
    Line line;
    painter.text(line, lane.name, lane.name_style);
    line.skip_to(lane_start);
    if (lane.counter != nullptr) {
        std::string digits;
        for (std::int64_t v : lane.values) digits += counter_digit(v, lane.counter->max);
        painter.text(line, digits, Style::Plain);
    }
    for (std::size_t c = 0; lane.counter == nullptr && c < lane.cells.size();) {
        std::size_t run = c;
        while (run < lane.cells.size() && lane.cells[run] == lane.cells[c]) ++run;
        painter.marks(line, lane.cells[c], static_cast<int>(run - c));
        c = run;
    }
    if (!lane.suffix.empty()) {
        line.skip_to(suffix_column);
        painter.text(line, lane.suffix, lane.suffix_style);
    }
    line.end_into(out);
}

void draw_axis(std::string& out, const Scale& scale, int lane_start, int width,
               const Painter& painter) {
    const Ticks ticks = choose_ticks(scale);
    const std::int64_t step_columns = ticks.step_ns / scale.column_ns;
    Line labels;
    std::string axis;
    for (int c = 0; c < scale.columns; ++c) {
        const bool tick = c % step_columns == 0;
        // ASCII has no line that a sleeping lane ("#-------#") would not look like: ticks alone.
        axis += tick ? (painter.unicode ? "┬" : ":") : (painter.unicode ? "─" : " ");
        if (!tick) continue;
        const std::string label = tick_label(c * scale.column_ns, ticks.decimals);
        if (lane_start + c + width_of(label) > width) continue;
        labels.skip_to(lane_start + c);
        painter.text(labels, label, Style::Dim);
    }
    labels.end_into(out);
    while (axis.ends_with(' ')) axis.pop_back();
    Line line;
    line.skip(lane_start);
    line.put(painter.terminal.paint(axis, Style::Dim), width_of(axis));
    line.end_into(out);
}

void draw_legend(std::string& out, const std::array<bool, mark_count>& used, const Details& details,
                 const std::vector<std::string>& notes, int width, const Painter& painter) {
    Line line;
    int column = 0;
    const auto item = [&](std::string_view painted, int columns) {
        if (column > 0 && column + 3 + columns > width) {
            line.end_into(out);
            line = Line{};
            column = 0;
        }
        if (column > 0) line.skip(3);
        line.put(painted, columns);
        column += (column > 0 ? 3 : 0) + columns;
    };
    for (Mark mark : timeline::legend_order) {
        const auto index = static_cast<std::size_t>(mark);
        if (!used[index]) continue;
        std::string label = tr(fmt::format("timeline.mark.{}", look(mark).label));
        if (!details[index].empty()) {
            const auto with = fmt::format("{}: {}", label, fmt::join(details[index], ", "));
            if (2 + width_of(with) <= width) label = clean(with, painter.unicode);
        }
        label = fit(label, width - 2, painter.unicode);
        item(painter.marks(mark, 1) + " " + label, 2 + width_of(label));
    }
    for (const std::string& note : notes) {
        const std::string fitted = fit(note, width, painter.unicode);
        item(painter.terminal.paint(fitted, Style::Dim), width_of(fitted));
    }
    line.end_into(out);
}

}  // namespace

std::string render_timeline(const TraceReading& reading, const TimelineOptions& options) {
    static const Terminal plain{};
    const Painter painter{options.terminal != nullptr ? *options.terminal : plain, options.unicode};
    const bool unicode = options.unicode;
    const int width = std::max(40, painter.terminal.width);

    const Duration end = reading.end;
    const std::vector<TaskSegments>& tasks = reading.tasks;
    const std::vector<BreakerSpan>& breaker = reading.breaker;
    if (tasks.empty() && breaker.empty() && reading.counters.empty())
        return tr("timeline.no_tasks") + "\n";

    std::vector<Lane> lanes;
    for (const TaskSegments& task : tasks) {
        Lane& lane = lanes.emplace_back();
        lane.name = clean(task.info->name, unicode);
        set_suffix(lane, task, unicode);
        lane.suffix = clean(lane.suffix, unicode);
        lane.short_suffix = clean(lane.short_suffix, unicode);
    }
    if (!breaker.empty()) {
        Lane& lane = lanes.emplace_back();
        lane.name = tr("timeline.breaker");
        lane.name_style = Style::Dim;
        lane.suffix = lane.short_suffix = to_string(breaker.back().state);
        lane.suffix_style = Style::Dim;
    }
    for (const CounterLane& counter : reading.counters) {
        Lane& lane = lanes.emplace_back();
        lane.name = clean(counter_label(counter), unicode);
        lane.name_style = Style::Dim;
        lane.counter = &counter;
        lane.suffix = say(counter.max <= 9 ? "timeline.counter_max" : "timeline.counter_max_scaled",
                          fmt::arg("n", counter.max));
        lane.short_suffix = say("timeline.counter_max", fmt::arg("n", counter.max));
        lane.suffix_style = Style::Dim;
    }

    // The lane keeps at least two fifths of the width; names take up to a quarter, suffixes the
    // rest, in their short form or cut when they must.
    int name_width = 1;
    int suffix_width = 0;
    for (const Lane& lane : lanes) {
        name_width = std::max(name_width, width_of(lane.name));
        suffix_width = std::max(suffix_width, width_of(lane.suffix));
    }
    name_width = std::min(name_width, std::max(8, width / 4));
    const int lane_start = name_width + 1;
    const int min_lane = std::max(16, width * 2 / 5);
    suffix_width = std::min(suffix_width, width - lane_start - min_lane - 1);
    if (suffix_width < 4) suffix_width = 0;
    const Scale scale =
        choose_scale(end, width - lane_start - (suffix_width > 0 ? suffix_width + 1 : 0));
    const int suffix_column = lane_start + scale.columns + 1;

    const std::vector<const Segment*> runs = blocking_runs(tasks);
    std::array<bool, mark_count> used{};
    Details details;
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        Lane& lane = lanes[i];
        lane.name = fit(lane.name, name_width, unicode, true);
        lane.suffix = width_of(lane.suffix) <= suffix_width
                          ? lane.suffix
                          : fit(lane.short_suffix, suffix_width, unicode);
        lane.cells.assign(static_cast<std::size_t>(scale.columns), Mark::Empty);
        if (lane.counter != nullptr) {
            lane.values = counter_values(*lane.counter, scale);
            continue;
        }
        if (i < tasks.size()) {
            for (const Segment& s : tasks[i].segments)
                note_detail(details, timeline::mark_of(s), s.name);
            mark_main_states(lane.cells, tasks[i], scale);
            mark_stalls(lane.cells, tasks[i], runs, scale);
            // The end's column holds how it ended or, for a task the run left pending, what it was
            // still doing.
            const int last = scale.column(tasks[i].ended);
            const Mark last_mark = tasks[i].state == EndState::Unfinished
                                       ? timeline::mark_of(tasks[i].segments.back())
                                       : timeline::end_mark(tasks[i].state);
            paint(lane.cells, {last, last}, last_mark);
        } else {
            for (const BreakerSpan& s : breaker) {
                paint(lane.cells, scale.columns_of(s.begin, s.end),
                      timeline::breaker_mark(s.state));
            }
            // The last state holds to the end of the demo, the end's own column included.
            lane.cells.back() =
                std::max(lane.cells.back(), timeline::breaker_mark(breaker.back().state));
        }
        for (Mark m : lane.cells) used[static_cast<std::size_t>(m)] = true;
    }
    used[static_cast<std::size_t>(Mark::Empty)] = false;

    std::string out;
    draw_axis(out, scale, lane_start, width, painter);
    for (const Lane& lane : lanes) draw_lane(out, lane, lane_start, suffix_column, painter);
    // A demo that took no time has one column, whose span means nothing.
    std::vector<std::string> notes;
    if (scale.columns > 1) {
        notes.push_back(column_span(scale.column_ns, unicode));
        notes.emplace_back(tr("timeline.rule_main_state"));
    }
    if (!reading.counters.empty()) notes.emplace_back(tr("timeline.rule_digits"));
    draw_legend(out, used, details, notes, width, painter);
    return out;
}

}  // namespace asynclab::cli

// The timeline: exact renderings of small programs run on the virtual clock (ASCII and Unicode,
// no colour), and the promises every rendering keeps: within the width, no trailing spaces, a
// legend of exactly the marks drawn, colour that only adds escape codes.
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "demo_programs.hpp"
#include "run/segments.hpp"
#include "run/timeline.hpp"

using namespace asynclab;
using namespace asynclab::testing;
using namespace asynclab::testing::demos;
using namespace asynclab::cli;

namespace {

// --- reading a rendering -----------------------------------------------------------------------

std::string render(Demo demo, int width, bool unicode, bool color = false) {
    Harness h(ClockMode::Virtual, LoopOptions{.pool_size = 2});
    demo(h);
    const Terminal terminal{.color = color, .width = width};
    return render_timeline(read_trace(h.trace, h.loop.now()),
                           {.terminal = &terminal, .unicode = unicode});
}

/// The expected text, written from its second line on so that columns line up in the source.
std::string golden(std::string_view text) {
    return std::string(text.substr(1));
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// Code points of a UTF-8 string, one per terminal column (no wide characters are drawn).
std::vector<std::string> cells(std::string_view line) {
    std::vector<std::string> out;
    for (char c : line) {
        if ((static_cast<unsigned char>(c) & 0xC0) == 0x80 && !out.empty()) {
            out.back() += c;
        } else {
            out.emplace_back(1, c);
        }
    }
    return out;
}

std::string strip_escapes(const std::string& text) {
    static const std::regex sgr("\x1b\\[[0-9;]*m");
    return std::regex_replace(text, sgr, "");
}

}  // namespace

TEST_CASE("a producer, two workers and a bounded queue: exact ASCII and Unicode timelines") {
    CHECK(render(queue_demo, 80, false) == golden(R"(
            0.00s     0.02s     0.04s     0.06s     0.08s     0.10s
            :         :         :         :         :         :
main        ttttttttttttttttttttttttttttttttttttttttttttttttttttttt+ done
w0          qqqqq|--------------|--------------|--------------+      done
w1          qqqqqqqqqq|--------------|--------------|--------------+ done
producer    |----|----|----|----|----|----QQQQQQQQQQQQQQQQQQQQjjjjj+ done
queue depth 00000000000000011111111111111111111111111111111111111110 max 1
| ran briefly   - sleeping   Q queue full (put waits)
q queue empty (get waits)   j queue.join (items not all done)
t waiting on another task   + completed   1 column = 2 ms
a column shows what took most of it   digits: the most held in a column
)"));
    CHECK(render(queue_demo, 80, true) == golden(R"(
            0.00s     0.02s     0.04s     0.06s     0.08s     0.10s
            ┬─────────┬─────────┬─────────┬─────────┬─────────┬─────
main        ttttttttttttttttttttttttttttttttttttttttttttttttttttttt✓ done
w0          qqqqq┃░░░░░░░░░░░░░░┃░░░░░░░░░░░░░░┃░░░░░░░░░░░░░░✓      done
w1          qqqqqqqqqq┃░░░░░░░░░░░░░░┃░░░░░░░░░░░░░░┃░░░░░░░░░░░░░░✓ done
producer    ┃░░░░┃░░░░┃░░░░┃░░░░┃░░░░┃░░░░QQQQQQQQQQQQQQQQQQQQjjjjj✓ done
queue depth 00000000000000011111111111111111111111111111111111111110 max 1
┃ ran briefly   ░ sleeping   Q queue full (put waits)
q queue empty (get waits)   j queue.join (items not all done)
t waiting on another task   ✓ completed   1 column = 2 ms
a column shows what took most of it   digits: the most held in a column
)"));
}

TEST_CASE("every way a task ends, results and errors as suffixes, instant ends still visible") {
    CHECK(render(lifecycle_demo, 60, true) == golden(R"(
                0.00s   0.01s   0.02s   0.03s
                ┬───────┬───────┬───────┬
main            ┃░░░░░░░tttttttttttttttt✓ done
instant         ✓                         done → 7
answer          ┃░░░░░░░░░░░░░░░░░░░░░░░✓ done → 42
failing         ┃░░░░░░░░░░░░░░░✗         failed: ValueError
cancelled-at-0  ⊘                         cancelled
cancelled-later ┃░░░░░░░⊘                 cancelled
┃ ran briefly   ░ sleeping   t waiting on another task
✓ completed   ✗ failed   ⊘ cancelled   1 column = 1.25 ms
a column shows what took most of it
)"));
    CHECK(render(lifecycle_demo, 60, false) == golden(R"(
                0.00s   0.01s   0.02s   0.03s
                :       :       :       :
main            |-------tttttttttttttttt+ done
instant         +                         done -> 7
answer          |-----------------------+ done -> 42
failing         |---------------X         failed: ValueError
cancelled-at-0  /                         cancelled
cancelled-later |-------/                 cancelled
| ran briefly   - sleeping   t waiting on another task
+ completed   X failed   / cancelled   1 column = 1.25 ms
a column shows what took most of it
)"));
    // At 40 columns long names are cut in the middle, where they differ least, and the failure
    // keeps its error kind only (✗ says it failed).
    const auto narrow = lines_of(render(lifecycle_demo, 40, true));
    CHECK(narrow[6] == "cance…at-0 ⊘                cancelled");
    CHECK(narrow[7] == "cance…ater ┃░░░░⊘           cancelled");
    CHECK(narrow[5] == "failing    ┃░░░░░░░░░✗      ValueError");
}

TEST_CASE("a demo that takes no time: every lane is one column, and still shows its end") {
    CHECK(render(instant_demo, 40, true) == golden(R"(
          0.00s
          ┬
main      ✓ done
quick     ✓ done → 1
never-ran ⊘ cancelled
✓ completed   ⊘ cancelled
)"));
}

TEST_CASE("tasks waiting on a semaphore make a staircase") {
    CHECK(render(staircase_demo, 40, false) == golden(R"(
           0s   1s   2s   3s
           :    :    :    :
main       ttttttttttttttt+ done
task-0     |----+           done
task-1     |----+           done
task-2     sssss|----+      done
task-3     sssss|----+      done
task-4     ssssssssss|----+ done
task-5     ssssssssss|----+ done
semap~ use 2222222222222220 max 2
| ran briefly   - sleeping
s waiting on a semaphore
t waiting on another task   + completed
1 column = 200 ms
a column shows what took most of it
digits: the most held in a column
)"));
}

TEST_CASE("a task blocking the loop: it holds the loop, the ticker's lane shows the stall") {
    CHECK(render(blocking_demo, 80, true) == golden(R"(
        0.00s   0.02s   0.04s   0.06s   0.08s   0.10s   0.12s   0.14s
        ┬───────┬───────┬───────┬───────┬───────┬───────┬───────┬────
main    tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt✓ done
ticker  ┃▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒┃░░░┃░░░┃░░░┃░░░┃░░░┃░░░┃░░░┃░░░┃░░░✓ done
blocker ████████y███████y███████✓                                     done
┃ ran briefly   █ running, holding the loop   ░ sleeping
▒ loop blocked by another task   y yielded, ready to run
t waiting on another task   ✓ completed   1 column = 2.5 ms
a column shows what took most of it
)"));
}

TEST_CASE("the thread pool (queued, then running), a lock and an event each have their own mark") {
    // Two threads, three jobs: job-2 waits in the pool's queue until job-0's thread is free.
    CHECK(render(primitives_demo, 60, true) == golden(R"(
       0.00s     0.01s     0.02s     0.03s     0.04s
       ┬─────────┬─────────┬─────────┬─────────┬
main   ┃░░░░░░░░░░░░░░░░░░░░░░░░░░░░░tttttttttt✓ done
job-0  PPPPPPPPPPPPPPPPPPPP✓                     done
job-1  PPPPPPPPPPPPPPPPPPPP✓                     done
job-2  ppppppppppppppppppppPPPPPPPPPPPPPPPPPPPP✓ done
lock-0 ┃░░░░░░░░░✓                               done
lock-1 llllllllll┃░░░░░░░░░✓                     done
waiter eeeeeeeeeeeeeeeeeeeeeeeeeeeeee✓           done
┃ ran briefly   ░ sleeping   l waiting on a lock
e waiting on an event   t waiting on another task
p queued for a pool thread   P running on a pool thread
✓ completed   1 column = 1 ms
a column shows what took most of it
)"));
}

TEST_CASE("breaker events add a lane with the breaker's state over time") {
    CHECK(render(breaker_demo, 60, false) == golden(R"(
        0.00s     0.05s     0.10s     0.15s
        :         :         :         :
main    ||-||-||-||-|-|-||-||-||-||-||-||-+ done
breaker ==========xxxxxx~================== closed
| ran briefly   - sleeping   + completed   = breaker closed
~ breaker half-open (probing)
x breaker open (failing fast)   1 column = 5 ms
a column shows what took most of it
)"));
    for (const auto& [name, demo] : all_demos) {
        const auto lines = lines_of(render(demo, 80, true));
        const bool lane = std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
            return l.starts_with("breaker ");
        });
        CHECK_MESSAGE(lane == (name == "breaker"), name);
    }
}

TEST_CASE("no line is wider than the terminal (at least 40) or ends in a space") {
    for (const auto& [name, demo] : all_demos) {
        for (int width : {20, 40, 41, 57, 80, 133, 200}) {
            for (bool unicode : {true, false}) {
                const std::string text = render(demo, width, unicode);
                CAPTURE(name);
                CAPTURE(width);
                CAPTURE(unicode);
                REQUIRE(text.ends_with('\n'));
                for (const std::string& line : lines_of(text)) {
                    CAPTURE(line);
                    CHECK(static_cast<int>(cells(line).size()) <= std::max(40, width));
                    CHECK_FALSE(line.ends_with(' '));
                    if (!unicode) {
                        CHECK(std::all_of(line.begin(), line.end(), [](char c) {
                            return static_cast<unsigned char>(c) >= 0x20 &&
                                   static_cast<unsigned char>(c) < 0x7F;
                        }));
                    }
                }
            }
        }
    }
    CHECK(render(queue_demo, 10, true) == render(queue_demo, 40, true));
}

TEST_CASE("the legend lists exactly the marks drawn in the lanes") {
    for (const auto& [name, demo] : all_demos) {
        for (int width : {40, 80, 200}) {
            for (bool unicode : {true, false}) {
                Harness h(ClockMode::Virtual, LoopOptions{.pool_size = 2});
                demo(h);
                const Terminal terminal{.color = false, .width = width};
                const auto lines =
                    lines_of(render_timeline(read_trace(h.trace, h.loop.now()),
                                             {.terminal = &terminal, .unicode = unicode}));
                CAPTURE(name);
                CAPTURE(width);
                CAPTURE(unicode);
                // Task lanes and the breaker's draw marks; the counter lanes under them, digits.
                const std::size_t lanes = h.trace.tasks().size() + (name == "breaker" ? 1 : 0);
                const std::size_t counters = read_trace(h.trace, h.loop.now()).counters.size();
                REQUIRE(lines.size() > 2 + lanes + counters);
                // Where the lanes are: from the first tick, as many columns as the scale says.
                const auto axis = cells(lines[1]);
                const auto lane_start = static_cast<std::size_t>(
                    std::find_if(axis.begin(), axis.end(), [](auto& c) { return c != " "; }) -
                    axis.begin());
                std::set<std::string> legend;
                std::optional<double> column_s;
                for (std::size_t i = 2 + lanes + counters; i < lines.size(); ++i) {
                    for (std::string_view rest = lines[i]; !rest.empty();) {
                        const auto gap = rest.find("   ");
                        const std::string item(rest.substr(0, gap));
                        rest = gap == std::string_view::npos ? "" : rest.substr(gap + 3);
                        if (item.starts_with("1 column = ")) {
                            std::istringstream in(item.substr(11));
                            double value = 0;
                            std::string unit;
                            in >> value >> unit;
                            column_s = value * (unit == "s" ? 1 : unit == "ms" ? 1e-3 : 1e-6);
                            continue;
                        }
                        if (item == "a column shows what took most of it" ||
                            item == "digits: the most held in a column") {
                            continue;
                        }
                        CHECK_MESSAGE(legend.insert(cells(item)[0]).second, "twice: " << item);
                    }
                }
                const double end_s = to_secs(h.loop.now());
                const auto columns =
                    column_s ? static_cast<std::size_t>(end_s / *column_s + 1e-9) + 1 : 1;
                std::set<std::string> drawn;
                for (std::size_t i = 2; i < 2 + lanes; ++i) {
                    const auto lane = cells(lines[i]);
                    for (std::size_t c = lane_start; c < lane_start + columns && c < lane.size();
                         ++c) {
                        if (lane[c] != " ") drawn.insert(lane[c]);
                    }
                    CHECK(
                        (lane.size() <= lane_start + columns || lane[lane_start + columns] == " "));
                }
                CHECK(drawn == legend);
            }
        }
    }
}

TEST_CASE("colour only adds escape codes, and each kind of waiting has its own colour") {
    for (const auto& [name, demo] : all_demos) {
        const std::string colored = render(demo, 80, true, true);
        CAPTURE(name);
        CHECK(colored.find("\x1b[") != std::string::npos);
        CHECK(strip_escapes(colored) == render(demo, 80, true));
    }
    // The legend paints each glyph: "<ESC>[<code>m<glyph><ESC>[0m label".
    std::map<std::string, std::string> code_of;
    for (Demo demo : {queue_demo, staircase_demo, primitives_demo}) {
        const std::string colored = render(demo, 200, true, true);
        static const std::regex painted("\x1b\\[([0-9;]+)m([a-zA-Z])\x1b\\[0m ");
        for (std::sregex_iterator it(colored.begin(), colored.end(), painted), end; it != end;
             ++it) {
            code_of[(*it)[2]] = (*it)[1];
        }
    }
    const std::vector<std::string> waits{"Q", "s", "l", "e", "t", "p"};
    std::set<std::string> codes;
    for (const auto& w : waits) {
        CAPTURE(w);
        REQUIRE(code_of.count(w) == 1);
        codes.insert(code_of[w]);
    }
    CHECK(codes.size() == waits.size());
    CHECK(code_of["q"] == code_of["Q"]);  // one queue, one colour; the glyph says full or empty
}

TEST_CASE("many tasks: every one gets its lane, in creation order, names told apart") {
    const auto lines = lines_of(render(many_tasks_demo, 40, false));
    CHECK(lines[2].starts_with("main "));
    std::set<std::string> names;
    for (int i = 0; i < 25; ++i) {
        const std::string& lane = lines[static_cast<std::size_t>(3 + i)];
        names.insert(lane.substr(0, lane.find(' ')));
        CHECK(lane.ends_with(" done"));
    }
    CHECK(names.size() == 25);
    CHECK(lines[3].starts_with("fetch~rl-0 |"));
    CHECK(lines[27].starts_with("fetch~l-24 ssssssssssssssss|"));
}

TEST_CASE("no terminal means no colour and 80 columns; an empty trace says so") {
    Harness h;
    queue_demo(h);
    const Terminal terminal{.color = false, .width = 80};
    const TraceReading reading = read_trace(h.trace, h.loop.now());
    CHECK(render_timeline(reading, {}) == render_timeline(reading, {.terminal = &terminal}));
    CHECK(render_timeline(read_trace(Trace{}, Duration{}), {}) == "(no tasks ran)\n");
}

TEST_CASE("a run cut short: tasks still waiting run to the end of the lane, said so") {
    Trace trace;
    trace.add_task({.id = 1, .parent = 0, .name = "main"});
    trace.add_task({.id = 2, .parent = 1, .name = "stuck"});
    const auto record = [&](double t, std::uint32_t task, EventType type, WaitKind wait = {},
                            std::string_view name = {}) {
        TraceEvent event;
        event.t = secs(t);
        event.task = task;
        event.type = type;
        event.wait = wait;
        event.name = name;
        trace.record(std::move(event));
    };
    record(0, 1, EventType::Created);
    record(0, 1, EventType::Started);
    record(0, 2, EventType::Created);
    record(0, 1, EventType::Suspended, WaitKind::Task, "stuck");
    record(0.01, 2, EventType::Started);
    record(0.01, 2, EventType::Suspended, WaitKind::QueueGet, "queue");
    const Terminal terminal{.color = false, .width = 40};
    CHECK(render_timeline(read_trace(trace, secs(0.02)), {.terminal = &terminal}) == golden(R"(
      0.00s   0.01s   0.02s
      ┬───────┬───────┬
main  ttttttttttttttttt still waiting
stuck ········qqqqqqqqq still waiting
q queue empty (get waits)
t waiting on another task
· not started yet   1 column = 1.25 ms
a column shows what took most of it
)"));
}

TEST_CASE("segments: back to back from creation to end; zero-length runs kept") {
    Harness h;
    queue_demo(h);
    const auto tasks = read_trace(h.trace, h.loop.now()).tasks;
    REQUIRE(tasks.size() == 4);
    for (const TaskSegments& task : tasks) {
        CAPTURE(task.info->name);
        CHECK(task.state == EndState::Completed);
        REQUIRE_FALSE(task.segments.empty());
        CHECK(task.segments.front().begin == task.created);
        CHECK(task.segments.back().end == task.ended);
        for (std::size_t i = 1; i < task.segments.size(); ++i) {
            CHECK(task.segments[i].begin == task.segments[i - 1].end);
        }
    }
    const auto& w0 = tasks[1].segments;
    CHECK(w0[0].activity == Activity::Running);
    CHECK(w0[0].end == Duration{});
    CHECK(w0[1].activity == Activity::Waiting);
    CHECK(w0[1].wait == WaitKind::QueueGet);
    CHECK(w0[1].name == "queue");
    CHECK(w0[1].end == secs(0.01));
    CHECK(tasks[3].ended == h.loop.now());
}

TEST_CASE("breaker spans: closed from the start, each change at its time, the last to the end") {
    Harness h;
    breaker_demo(h);
    const auto spans = read_trace(h.trace, h.loop.now()).breaker;
    REQUIRE(spans.size() == 4);
    CHECK(spans[0].state == BreakerState::Closed);
    CHECK(spans[0].begin == Duration{});
    CHECK(spans[1].state == BreakerState::Open);
    CHECK(spans[2].state == BreakerState::HalfOpen);
    CHECK(spans[3].state == BreakerState::Closed);
    CHECK(spans[3].end == h.loop.now());
    for (std::size_t i = 1; i < spans.size(); ++i) CHECK(spans[i].begin == spans[i - 1].end);
    CHECK(read_trace(Trace{}, secs(1)).breaker.empty());
}

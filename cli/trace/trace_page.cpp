#include "trace/trace_page.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "run/demo_page.hpp"
#include "run/json_report.hpp"
#include "terminal/text_wrap.hpp"

namespace asynclab::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string task_name(const Recording& r, std::uint32_t id) {
    const TaskInfo* info = r.trace.task(id);
    return info != nullptr ? info->name : fmt::format("task {}", id);
}

std::string site(std::string_view file, int line) {
    if (file.empty()) return "?";
    return fmt::format("{}:{}", std::filesystem::path(file).filename().string(), line);
}

std::string names(const Recording& r, const std::vector<std::uint32_t>& ids) {
    std::string out;
    for (std::uint32_t id : ids) out += (out.empty() ? "" : ", ") + task_name(r, id);
    return out;
}

std::string finding_text(const Recording& r, const Finding& f) {
    switch (f.kind) {
        case Finding::Kind::BlockingCall:
            return fmt::format(
                "{}  {} blocked the loop for {:.3f} s in task {}: no other task could run. Use "
                "await asyncio.sleep() instead of time.sleep(), and asyncio.to_thread() for other "
                "blocking work (lesson 5: asynclab run 5).",
                site(f.file, f.line), f.what, to_secs(f.held), task_name(r, f.task));
        case Finding::Kind::SlowStep:
            return fmt::format(
                "{}  task {} held the loop for {:.3f} s without an await (from {} to the next "
                "await at {}): no other task could run. Move heavy work to asyncio.to_thread() "
                "(lesson 5: asynclab run 5).",
                site(f.file, f.line), task_name(r, f.task), to_secs(f.held), site(f.file, f.line),
                site(f.end_file, f.end_line));
        case Finding::Kind::NeverAwaited:
            return fmt::format(
                "{}  coroutine {}() was created but never awaited, so it never ran. Await it, or "
                "start it with asyncio.create_task() (lesson 1: asynclab run 1).",
                site(f.file, f.line), f.what);
        case Finding::Kind::Unretrieved:
            return fmt::format(
                "{}  task {} failed with {}{}{} and nothing ever awaited it or asked for its "
                "exception: the failure vanished. Keep the task and await it, or gather it "
                "(lesson 1: asynclab run 1).",
                site(f.file, f.line), task_name(r, f.task), f.what, f.message.empty() ? "" : ": ",
                f.message);
    }
    return {};
}

int lesson_of(WaitKind wait) {
    switch (wait) {
        case WaitKind::QueueGet:
        case WaitKind::QueuePut:
        case WaitKind::QueueJoin:
            return 3;
        case WaitKind::Semaphore:
        case WaitKind::Lock:
        case WaitKind::Event:
            return 4;
        default:
            return 1;
    }
}

/// Who could have released a stuck task, in words.
std::string release_text(const Recording& r, const StuckTask& s) {
    const std::string who = names(r, s.releasers);
    switch (s.wait) {
        case WaitKind::Task:
            return fmt::format("it ends only when {} does", who.empty() ? "that task" : who);
        case WaitKind::Gather:
        case WaitKind::Timeout:
            return who.empty() ? "it ends when the tasks it waits for do"
                               : fmt::format("it ends only when {} {}", who,
                                             s.releasers.size() == 1 ? "ends" : "end");
        case WaitKind::QueueJoin:
            return fmt::format("{} item{} put into the queue never got task_done(){}", s.count,
                               s.count == 1 ? "" : "s",
                               who.empty()
                                   ? ", and nothing takes items from it"
                                   : fmt::format("; {} took items and never called it", who));
        case WaitKind::QueueGet:
            return who.empty()
                       ? "nothing puts into the queue"
                       : fmt::format("only a put() could release it, and {} put no more", who);
        case WaitKind::QueuePut:
            return who.empty()
                       ? "nothing takes from the queue"
                       : fmt::format("only a get() could release it, and {} take no more", who);
        case WaitKind::Lock:
            return who.empty() ? "the lock was never released"
                               : fmt::format("{} holds the lock and never releases it", who);
        case WaitKind::Semaphore:
            return who.empty() ? "no permit is ever released"
                               : fmt::format("the permits are held by {}", who);
        case WaitKind::Event:
            return "nothing ever calls set() on the event";
        default:
            return "nothing can wake it";
    }
}

std::string outcome_text(const Recording& r) {
    switch (r.outcome) {
        case Outcome::Ok:
            return {};
        case Outcome::Exited:
            return fmt::format("The program exited with status {}.", r.exit_code);
        case Outcome::Exception:
            return fmt::format("The program failed with {} (its traceback is above).", r.error);
        case Outcome::Hang:
            return "The program hung: no task can run, no timer is set, and no I/O or thread is "
                   "pending, so nothing could ever happen again. It was stopped here. Each stuck "
                   "task, what it waits on, and who could have released it:";
        case Outcome::RealIo:
            return fmt::format(
                "{}  {} does real I/O, which the virtual clock cannot time; the program was "
                "stopped. Trace it with --clock real.",
                site(r.real_io_file, r.real_io_line), r.real_io);
        case Outcome::TimedOut:
            return "The program ran past --timeout and was stopped; above is what it did so far.";
        case Outcome::Interrupted:
            return "Interrupted: the program was stopped; above is what it did so far.";
        case Outcome::Killed:
            return fmt::format(
                "The program was killed by signal {} (out of memory?); above is "
                "what it did so far.",
                r.exit_code);
        case Outcome::NoRecorder:
        case Outcome::OldPython:
            return {};
    }
    return {};
}

Json findings_json(const Recording& r) {
    Json out = Json::array();
    static constexpr std::string_view kinds[] = {"blocking-call", "slow-step", "never-awaited",
                                                 "unretrieved"};
    for (const Finding& f : r.findings) {
        out.push_back({{"kind", kinds[static_cast<int>(f.kind)]},
                       {"task", f.task == 0 ? Json(nullptr) : Json(f.task)},
                       {"t_s", to_secs(f.t)},
                       {"held_s", to_secs(f.held)},
                       {"what", f.what},
                       {"message", f.message},
                       {"file", f.file},
                       {"line", f.line},
                       {"end_file", f.end_file},
                       {"end_line", f.end_line}});
    }
    return out;
}

Json stuck_json(const Recording& r) {
    Json out = Json::array();
    for (const StuckTask& s : r.stuck) {
        out.push_back({{"task", s.task},
                       {"wait", to_string(s.wait)},
                       {"name", s.name},
                       {"file", s.file},
                       {"line", s.line},
                       {"could_release", s.releasers},
                       {"count", s.count}});
    }
    return out;
}

}  // namespace

std::string trace_heading(std::string_view program, const Terminal& term) {
    return term.paint(fmt::format("Trace · {}", program), Style::Heading) + "\n\n";
}

std::string trace_result(const Recording& r, const Terminal& term) {
    // A program that never reached asyncio (a SyntaxError, say) has nothing to draw.
    std::string out = r.trace.tasks().empty() ? std::string("\n")
                                              : demo_result(read_trace(r.trace, r.end), false,
                                                            std::nullopt, trace_metrics(r), term);
    return out + trace_ending(r, term);
}

std::string trace_ending(const Recording& r, const Terminal& term) {
    std::string out;
    const int width = std::max(40, term.width);
    if (const std::string text = outcome_text(r); !text.empty()) {
        const Style style = r.outcome == Outcome::Interrupted || r.outcome == Outcome::TimedOut
                                ? Style::Warn
                                : Style::Bad;
        out += term.paint(wrap_paragraphs(text, width), style);
        if (!out.ends_with('\n')) out += '\n';
    }
    for (const StuckTask& s : r.stuck) {
        const std::string line = fmt::format(
            "{} ({}) waits on {}: {} (lesson {}).", task_name(r, s.task), site(s.file, s.line),
            describe_wait(s.wait, s.name), release_text(r, s), lesson_of(s.wait));
        out += wrap_paragraphs(line, width, 2);
        if (!out.ends_with('\n')) out += '\n';
    }
    if (!r.findings.empty()) {
        out += fmt::format(
            "\n{}\n", term.paint(r.findings.size() == 1 ? "A mistake to fix:" : "Mistakes to fix:",
                                 Style::Bad));
        for (const Finding& f : r.findings) {
            out += wrap_paragraphs(finding_text(r, f), width, 2);
            if (!out.ends_with('\n')) out += '\n';
        }
    }
    return out;
}

Json trace_json(const Recording& r, std::string_view program, const std::vector<std::string>& args,
                ClockMode clock) {
    const std::string title = std::filesystem::path(program).filename().string();
    Json demo = demo_json(
        "program", title, r.end, r.outcome == Outcome::Interrupted,
        r.outcome == Outcome::Exception ? std::optional<std::string>(r.error) : std::nullopt,
        r.trace, trace_metrics(r));
    demo["outcome"] = to_string(r.outcome);
    demo["exit_code"] = r.exit_code;
    demo["real_io"] =
        r.real_io.empty()
            ? Json(nullptr)
            : Json{{"what", r.real_io}, {"file", r.real_io_file}, {"line", r.real_io_line}};
    demo["findings"] = findings_json(r);
    demo["stuck"] = stuck_json(r);
    return {{"schema", report_schema},
            {"lesson", {{"number", 0}, {"slug", "trace"}, {"title", title}}},
            {"clock", clock == ClockMode::Virtual ? "virtual" : "real"},
            {"seed", nullptr},
            {"speed", 1.0},
            {"params", {{"program", program}, {"args", args}}},
            {"python", r.python_version},
            {"demos_chosen", 1},
            {"demos", Json::array({std::move(demo)})}};
}

void read_trace_extras(const Json& demo, Recording& r) {
    r.outcome = outcome_from(demo.at("outcome").get<std::string>()).value_or(Outcome::Ok);
    r.exit_code = demo.at("exit_code").get<int>();
    if (const Json& io = demo.at("real_io"); !io.is_null()) {
        r.real_io = io.at("what").get<std::string>();
        r.real_io_file = io.at("file").get<std::string>();
        r.real_io_line = io.at("line").get<int>();
    }
    if (const Json& error = demo.at("error"); !error.is_null()) r.error = error.get<std::string>();
    static constexpr std::string_view kinds[] = {"blocking-call", "slow-step", "never-awaited",
                                                 "unretrieved"};
    for (const Json& f : demo.at("findings")) {
        Finding finding;
        const auto kind = f.at("kind").get<std::string>();
        for (int i = 0; i < 4; ++i) {
            if (kinds[i] == kind) finding.kind = static_cast<Finding::Kind>(i);
        }
        finding.task = f.at("task").is_null() ? 0 : f.at("task").get<std::uint32_t>();
        finding.t = secs(f.at("t_s").get<double>());
        finding.held = secs(f.at("held_s").get<double>());
        finding.what = f.at("what").get<std::string>();
        finding.message = f.at("message").get<std::string>();
        finding.file = f.at("file").get<std::string>();
        finding.line = f.at("line").get<int>();
        finding.end_file = f.at("end_file").get<std::string>();
        finding.end_line = f.at("end_line").get<int>();
        r.findings.push_back(std::move(finding));
    }
    for (const Json& s : demo.at("stuck")) {
        StuckTask stuck;
        stuck.task = s.at("task").get<std::uint32_t>();
        const auto wait = s.at("wait").get<std::string>();
        for (int i = 0; i <= static_cast<int>(WaitKind::Other); ++i) {
            if (to_string(static_cast<WaitKind>(i)) == wait) stuck.wait = static_cast<WaitKind>(i);
        }
        stuck.name = s.at("name").get<std::string>();
        stuck.file = s.at("file").get<std::string>();
        stuck.line = s.at("line").get<int>();
        stuck.releasers = s.at("could_release").get<std::vector<std::uint32_t>>();
        stuck.count = s.at("count").get<std::int64_t>();
        r.stuck.push_back(std::move(stuck));
    }
}

}  // namespace asynclab::cli

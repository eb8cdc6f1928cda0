#include "trace/trace_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "run/demo_page.hpp"
#include "run/json_report.hpp"
#include "run/json_writer.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string task_name(const Recording& r, std::uint32_t id) {
    const TaskInfo* info = r.trace.task(id);
    return info != nullptr ? info->name : say("trace.task_n", fmt::arg("id", id));
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

/// One mistake, or the same mistake made again at the same place: drawn as one line.
struct FindingGroup {
    const Finding* first = nullptr;
    int times = 0;
    Duration held{};
    std::vector<std::uint32_t> tasks;  ///< In the order they made it, each once.
};

std::vector<FindingGroup> grouped(const std::vector<Finding>& findings) {
    std::vector<FindingGroup> groups;
    for (const Finding& f : findings) {
        auto it = std::find_if(groups.begin(), groups.end(), [&f](const FindingGroup& g) {
            return g.first->kind == f.kind && g.first->file == f.file && g.first->line == f.line &&
                   g.first->what == f.what;
        });
        if (it == groups.end()) it = groups.insert(groups.end(), FindingGroup{.first = &f});
        ++it->times;
        it->held += f.held;
        if (f.task != 0 && std::find(it->tasks.begin(), it->tasks.end(), f.task) == it->tasks.end())
            it->tasks.push_back(f.task);
    }
    return groups;
}

/// "; practise it: asynclab exercise start NAME", unless the learner is doing an exercise now.
std::string practise(std::string_view exercise, bool in_exercise) {
    return in_exercise ? std::string() : say("trace.practise", fmt::arg("name", exercise));
}

std::string finding_text(const Recording& r, const FindingGroup& g, bool in_exercise) {
    const Finding& f = *g.first;
    const std::string where = site(f.file, f.line);
    const std::string tasks = names(r, g.tasks);
    const bool many = g.times > 1;
    switch (f.kind) {
        case Finding::Kind::BlockingCall:
            return say(many ? "trace.finding.blocking_many" : "trace.finding.blocking",
                       fmt::arg("site", where), fmt::arg("call", f.what),
                       fmt::arg("held", to_secs(g.held)), fmt::arg("task", tasks),
                       fmt::arg("times", g.times),
                       fmt::arg("practise", practise("blocking-call", in_exercise)));
        case Finding::Kind::SlowStep:
            return say(many ? "trace.finding.slow_many" : "trace.finding.slow",
                       fmt::arg("site", where), fmt::arg("task", tasks),
                       fmt::arg("held", to_secs(g.held)), fmt::arg("times", g.times),
                       fmt::arg("end", site(f.end_file, f.end_line)));
        case Finding::Kind::NeverAwaited:
            return say(many ? "trace.finding.never_awaited_many" : "trace.finding.never_awaited",
                       fmt::arg("site", where), fmt::arg("name", f.what),
                       fmt::arg("times", g.times),
                       fmt::arg("practise", practise("forgot-await", in_exercise)));
        case Finding::Kind::Unretrieved:
            return say(many ? "trace.finding.unretrieved_many" : "trace.finding.unretrieved",
                       fmt::arg("site", where), fmt::arg("task", tasks), fmt::arg("times", g.times),
                       fmt::arg("error", f.message.empty() ? f.what : f.what + ": " + f.message),
                       fmt::arg("practise", practise("lost-exception", in_exercise)));
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

/// What a stuck task waits on: the engine's own words where they are code (q.join, lock.acquire).
std::string wait_text(const StuckTask& s) {
    switch (s.wait) {
        case WaitKind::Task:
            return say("trace.wait.task", fmt::arg("name", s.name));
        case WaitKind::QueueGet:
            return say("trace.wait.queue_get", fmt::arg("name", s.name));
        case WaitKind::QueuePut:
            return say("trace.wait.queue_put", fmt::arg("name", s.name));
        default:
            return describe_wait(s.wait, s.name);
    }
}

/// Who could have released a stuck task, in words.
std::string release_text(const Recording& r, const StuckTask& s) {
    const std::string who = names(r, s.releasers);
    const auto by = [&who](std::string_view nobody, std::string_view someone) {
        return who.empty() ? tr(nobody) : say(someone, fmt::arg("who", who));
    };
    switch (s.wait) {
        case WaitKind::Task:
            return say("trace.release.task",
                       fmt::arg("who", who.empty() ? tr("trace.release.that_task") : who));
        case WaitKind::Gather:
        case WaitKind::Timeout:
            return by("trace.release.gather", s.releasers.size() == 1
                                                  ? "trace.release.gather_one"
                                                  : "trace.release.gather_many");
        case WaitKind::QueueJoin: {
            const std::string items =
                s.count == 1 ? tr("trace.release.join_one")
                             : say("trace.release.join_many", fmt::arg("count", s.count));
            return who.empty() ? say("trace.release.join_nobody", fmt::arg("items", items))
                               : say("trace.release.join_who", fmt::arg("items", items),
                                     fmt::arg("who", who));
        }
        case WaitKind::QueueGet:
            return by("trace.release.get", "trace.release.get_who");
        case WaitKind::QueuePut:
            return by("trace.release.put", "trace.release.put_who");
        case WaitKind::Lock:
            return by("trace.release.lock", "trace.release.lock_who");
        case WaitKind::Semaphore:
            return by("trace.release.semaphore", "trace.release.semaphore_who");
        case WaitKind::Event:
            return tr("trace.release.event");
        default:
            return tr("trace.release.other");
    }
}

std::string outcome_text(const Recording& r) {
    switch (r.outcome) {
        case Outcome::Ok:
            return {};
        case Outcome::Exited:
            return say("trace.outcome.exited", fmt::arg("code", r.exit_code));
        case Outcome::Exception:
            return say("trace.outcome.exception", fmt::arg("error", r.error));
        case Outcome::Hang:
            return tr("trace.outcome.hang");
        case Outcome::RealIo:
            return say("trace.outcome.real_io",
                       fmt::arg("site", site(r.real_io_file, r.real_io_line)),
                       fmt::arg("call", r.real_io));
        case Outcome::TimedOut:
            return tr("trace.outcome.timed_out");
        case Outcome::Interrupted:
            return tr("trace.outcome.interrupted");
        case Outcome::Killed:
            return say("trace.outcome.killed", fmt::arg("signal", r.exit_code));
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
    return term.paint(say("trace.heading", fmt::arg("program", program)), Style::Heading) + "\n\n";
}

std::string trace_result(const Recording& r, const Terminal& term, bool in_exercise) {
    // A program that never reached asyncio (a SyntaxError, say) has nothing to draw.
    std::string out = r.trace.tasks().empty() ? std::string("\n")
                                              : demo_result(read_trace(r.trace, r.end), false,
                                                            std::nullopt, trace_metrics(r), term);
    return out + trace_ending(r, term, in_exercise);
}

std::string trace_ending(const Recording& r, const Terminal& term, bool in_exercise) {
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
        const std::string line =
            say("trace.stuck", fmt::arg("task", task_name(r, s.task)),
                fmt::arg("site", site(s.file, s.line)), fmt::arg("wait", wait_text(s)),
                fmt::arg("why", release_text(r, s)), fmt::arg("n", lesson_of(s.wait)));
        out += wrap_paragraphs(line, width, 2);
        if (!out.ends_with('\n')) out += '\n';
    }
    if (const std::vector<FindingGroup> groups = grouped(r.findings); !groups.empty()) {
        out += fmt::format(
            "\n{}\n", term.paint(tr(groups.size() == 1 ? "trace.one_mistake" : "trace.mistakes"),
                                 Style::Bad));
        for (const FindingGroup& g : groups) {
            out += wrap_paragraphs(finding_text(r, g, in_exercise), width, 2);
            if (!out.ends_with('\n')) out += '\n';
        }
    }
    return out;
}

void trace_json(JsonWriter& out, const Recording& r, std::string_view program,
                const std::vector<std::string>& args, ClockMode clock) {
    const std::string title = std::filesystem::path(program).filename().string();
    out.begin_object();
    out.member("schema", report_schema);
    out.key("lesson").begin_object();
    out.member("number", 0);
    out.member("slug", "trace");
    out.member("title", title);
    out.end_object();
    out.member("clock", clock == ClockMode::Virtual ? "virtual" : "real");
    out.member("seed", nullptr);
    out.member("speed", 1.0);
    out.member("params", Json{{"program", program}, {"args", args}});
    out.member("python", r.python_version);
    out.member("demos_chosen", 1);
    out.key("demos").begin_array();
    out.begin_object();
    write_demo_fields(
        out, "program", title, r.end, r.outcome == Outcome::Interrupted,
        r.outcome == Outcome::Exception ? std::optional<std::string>(r.error) : std::nullopt,
        r.trace, trace_metrics(r));
    out.member("outcome", to_string(r.outcome));
    out.member("exit_code", r.exit_code);
    out.member("real_io",
               r.real_io.empty()
                   ? Json(nullptr)
                   : Json{{"what", r.real_io}, {"file", r.real_io_file}, {"line", r.real_io_line}});
    out.member("findings", findings_json(r));
    out.member("stuck", stuck_json(r));
    out.end_object();
    out.end_array();
    out.end_object();
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

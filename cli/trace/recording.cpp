#include "trace/recording.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <span>
#include <stdexcept>

#include "asynclab/lessons/embedded.hpp"
#include "run/segments.hpp"
#include "run/value_json.hpp"
#include "trace/event_line.hpp"
#include "words.hpp"

namespace asynclab::lessons {
// Defined in the file cmake/embed_files.cmake generates from cli/trace/recorder.py and
// cli/exercise/exercise_kit.py.
extern const EmbeddedFile recorder_files[];
extern const std::size_t recorder_files_count;
}  // namespace asynclab::lessons

namespace asynclab::cli {

namespace {

using Json = nlohmann::json;

// The recorder's text comes on fd 4 and its events go out on fd 3: nothing of it is a file, and
// the program's own stdout and stderr stay its own.
constexpr int events_fd = 3;
constexpr int source_fd = 4;
// After the recorder's text come the modules `check` hands it, each as NUL, name, NUL, text.
constexpr const char* bootstrap =
    "import os,sys,types\n"
    "f=os.fdopen(4,'rb');p=f.read().split(b'\\0');f.close()\n"
    "m=types.ModuleType('asynclab_recorder');sys.modules[m.__name__]=m\n"
    "exec(compile(p[0],'<asynclab recorder>','exec'),m.__dict__)\n"
    "m.main(dict(zip(p[1::2],p[2::2])))\n";

std::string_view recorder_source() {
    return embedded_python("recorder.py");
}

std::optional<WaitKind> wait_from(std::string_view name) {
    for (int i = 0; i <= static_cast<int>(WaitKind::Other); ++i) {
        if (to_string(static_cast<WaitKind>(i)) == name) return static_cast<WaitKind>(i);
    }
    return std::nullopt;
}

Duration ns(const Json& j) {
    return Duration{j.get<std::int64_t>()};
}

TraceEvent event(const Json& t, std::uint32_t task, EventType type) {
    TraceEvent e;
    e.t = ns(t);
    e.task = task;
    e.type = type;
    return e;
}

/// The trace again with the tasks' final names (a task may name itself after it was created).
Trace renamed(const Trace& old, const std::map<std::uint32_t, std::string>& renames) {
    Trace trace;
    for (const TaskInfo& info : old.tasks()) {
        TaskInfo copy = info;
        if (auto it = renames.find(info.id); it != renames.end()) copy.name = it->second;
        trace.add_task(std::move(copy));
        trace.set_value(info.id, old.value(info.id));
    }
    for (const TraceEvent& e : old.events()) trace.record(e);
    return trace;
}

/// Applies the recorder's events to a Recording (protocol.md). A line it cannot read is a broken
/// recorder, not the learner's mistake: it is skipped.
class EventReader {
  public:
    EventReader(Recording& r, const std::function<void(const TraceEvent&, const Trace&)>& on_event)
        : r_(r), on_event_(on_event) {}

    void line(std::string_view text) {
        if (split_plain(text, items_) && apply_plain()) return;
        try {
            apply(Json::parse(text));
        } catch (const Json::exception&) {
        }
    }

    [[nodiscard]] bool hello() const { return hello_; }
    [[nodiscard]] bool ended() const { return ended_; }
    [[nodiscard]] Duration last() const { return last_; }
    [[nodiscard]] const std::map<std::uint32_t, std::string>& renames() const { return renames_; }

    /// What was recorded since the scenario began becomes its own recording.
    void close_scenario() {
        if (r_.scenarios.empty() || scenario_closed_ == r_.scenarios.size()) return;
        scenario_closed_ = r_.scenarios.size();
        ScenarioRun& s = r_.scenarios.back();
        s.run.trace = renames_.empty() ? std::move(r_.trace) : renamed(r_.trace, renames_);
        s.run.end = last_;
        s.run.findings = std::move(r_.findings);
        s.run.stuck = std::move(r_.stuck);
        s.run.outcome = s.stop == ScenarioRun::Stop::Hang     ? Outcome::Hang
                        : s.stop == ScenarioRun::Stop::Raised ? Outcome::Exception
                                                              : Outcome::Ok;
        r_.trace = Trace{};
        r_.findings.clear();
        r_.stuck.clear();
        renames_.clear();
        last_ = Duration{};
    }

  private:
    void record(TraceEvent e) {
        last_ = std::max(last_, e.t);
        r_.trace.record(std::move(e));
        if (on_event_) on_event_(r_.trace.events().back(), r_.trace);
    }

    static std::uint32_t id(const Json& j) { return j.get<std::uint32_t>(); }

    /// The hot events, when every item is plain: what apply() does with the same line. False
    /// leaves the line to apply().
    bool apply_plain() {
        const std::vector<PlainItem>& e = items_;
        const auto is = [&e](std::size_t i, PlainItem::Kind kind) { return e[i].kind == kind; };
        constexpr auto integer = PlainItem::Kind::Integer;
        constexpr auto text = PlainItem::Kind::Text;
        if (e.size() < 3 || !is(0, text) || !is(1, integer) || !is(2, integer)) return false;
        const std::string_view kind = e[0].text;
        const Duration t{e[1].integer};
        const auto task = static_cast<std::uint32_t>(e[2].integer);
        const auto at = [&](EventType type) {
            TraceEvent ev;
            ev.t = t;
            ev.task = task;
            ev.type = type;
            return ev;
        };
        if (e.size() == 3 && (kind == "start" || kind == "resume" || kind == "cancel")) {
            record(at(kind == "start"    ? EventType::Started
                      : kind == "resume" ? EventType::Resumed
                                         : EventType::Cancelled));
        } else if (kind == "wait" && e.size() == 5 && is(3, text) && is(4, text)) {
            TraceEvent s = at(EventType::Suspended);
            s.wait = wait_from(e[3].text).value_or(WaitKind::Other);
            s.name = e[4].text;  // record() keeps a copy
            record(std::move(s));
        } else if (kind == "done" && e.size() == 4 && !is(3, text)) {
            r_.trace.set_value(task, is(3, integer) ? Value(e[3].integer) : Value());
            record(at(EventType::Completed));
        } else if (kind == "task" && e.size() == 7 && is(3, integer) && is(4, text)) {
            r_.trace.add_task(TaskInfo{.id = task,
                                       .parent = static_cast<std::uint32_t>(e[3].integer),
                                       .name = std::string(e[4].text)});
            record(at(EventType::Created));
        } else if (kind == "out" && e.size() == 4 && is(3, text)) {
            TraceEvent out = at(EventType::Log);
            out.text = e[3].text;
            out.name = channel::output;
            record(std::move(out));
        } else {
            return false;
        }
        return true;
    }

    static std::string site_file(const Json& j) { return j.get<std::string>(); }

    void apply(const Json& e) {
        const std::string kind = e.at(0).get<std::string>();
        if (kind == "hello") {
            hello_ = true;
            const Json& v = e.at(1);
            r_.python_version =
                fmt::format("{}.{}.{}", v.at(0).get<int>(), v.at(1).get<int>(), v.at(2).get<int>());
            if (v.at(0).get<int>() == 3 && v.at(1).get<int>() < 9) r_.outcome = Outcome::OldPython;
        } else if (kind == "task") {
            r_.trace.add_task(TaskInfo{
                .id = id(e.at(2)), .parent = id(e.at(3)), .name = e.at(4).get<std::string>()});
            record(event(e.at(1), id(e.at(2)), EventType::Created));
        } else if (kind == "start" || kind == "resume" || kind == "cancel") {
            const EventType type = kind == "start"    ? EventType::Started
                                   : kind == "resume" ? EventType::Resumed
                                                      : EventType::Cancelled;
            record(event(e.at(1), id(e.at(2)), type));
        } else if (kind == "wait") {
            const std::string name = e.at(4).get<std::string>();
            TraceEvent s = event(e.at(1), id(e.at(2)), EventType::Suspended);
            s.wait = wait_from(e.at(3).get<std::string>()).value_or(WaitKind::Other);
            s.name = name;
            record(std::move(s));
        } else if (kind == "rename") {
            renames_[id(e.at(1))] = e.at(2).get<std::string>();
        } else if (kind == "done") {
            r_.trace.set_value(id(e.at(2)), value_from_json(nlohmann::ordered_json(e.at(3))));
            record(event(e.at(1), id(e.at(2)), EventType::Completed));
        } else if (kind == "fail") {
            const std::string error_kind = e.at(3).get<std::string>();
            const std::string message = e.at(4).get<std::string>();
            // The event views its text until record() keeps a copy.
            const std::string text =
                message.empty() ? error_kind : fmt::format("{}: {}", error_kind, message);
            TraceEvent f = event(e.at(1), id(e.at(2)), EventType::Failed);
            f.text = text;
            f.name = error_kind;
            record(std::move(f));
        } else if (kind == "out") {
            const std::string text = e.at(3).get<std::string>();
            TraceEvent out = event(e.at(1), id(e.at(2)), EventType::Log);
            out.text = text;
            out.name = channel::output;
            record(std::move(out));
        } else if (kind == "block" || kind == "slow") {
            Finding f;
            f.kind = kind == "block" ? Finding::Kind::BlockingCall : Finding::Kind::SlowStep;
            f.task = id(e.at(2));
            f.t = ns(e.at(1));
            if (kind == "block") {
                f.what = e.at(3).get<std::string>();
                f.held = ns(e.at(4));
                f.file = site_file(e.at(5));
                f.line = e.at(6).get<int>();
            } else {
                f.held = ns(e.at(3));
                f.file = site_file(e.at(4));
                f.line = e.at(5).get<int>();
                f.end_file = site_file(e.at(6));
                f.end_line = e.at(7).get<int>();
            }
            r_.findings.push_back(std::move(f));
        } else if (kind == "unawaited") {
            Finding f;
            f.kind = Finding::Kind::NeverAwaited;
            f.what = e.at(1).get<std::string>();
            f.file = site_file(e.at(2));
            f.line = e.at(3).get<int>();
            r_.findings.push_back(std::move(f));
        } else if (kind == "unretrieved") {
            Finding f;
            f.kind = Finding::Kind::Unretrieved;
            f.task = id(e.at(1));
            f.what = e.at(2).get<std::string>();
            f.message = e.at(3).get<std::string>();
            f.file = site_file(e.at(4));
            f.line = e.at(5).get<int>();
            r_.findings.push_back(std::move(f));
        } else if (kind == "error") {
            const std::string message = e.at(2).get<std::string>();
            r_.error = message.empty() ? e.at(1).get<std::string>()
                                       : fmt::format("{}: {}", e.at(1).get<std::string>(), message);
        } else if (kind == "stuck") {
            StuckTask s{.task = id(e.at(1)),
                        .wait = wait_from(e.at(2).get<std::string>()).value_or(WaitKind::Other),
                        .name = e.at(3).get<std::string>(),
                        .file = site_file(e.at(4)),
                        .line = e.at(5).get<int>(),
                        .releasers = {},
                        .count = e.at(7).get<std::int64_t>()};
            for (const Json& t : e.at(6)) s.releasers.push_back(id(t));
            r_.stuck.push_back(std::move(s));
        } else if (kind == "realio") {
            r_.real_io = e.at(1).get<std::string>();
            r_.real_io_file = site_file(e.at(2));
            r_.real_io_line = e.at(3).get<int>();
        } else if (kind == "scenario") {
            if (r_.scenarios.empty()) {
                // Loading the learner's file ran what it runs at import (a demo without a
                // `__main__` guard): not a scenario, and its task ids would clash with the first's.
                r_.trace = Trace{};
                r_.findings.clear();
                r_.stuck.clear();
                renames_.clear();
                last_ = Duration{};
            }
            close_scenario();
            ScenarioRun scenario;
            scenario.id = e.at(1).get<std::string>();
            r_.scenarios.push_back(std::move(scenario));
        } else if (kind == "check" && !r_.scenarios.empty()) {
            r_.scenarios.back().checks.push_back(
                {e.at(1).get<std::string>(), e.at(2).get<bool>(), e.at(3)});
        } else if (kind == "hang" && !r_.scenarios.empty()) {
            r_.scenarios.back().stop = ScenarioRun::Stop::Hang;
        } else if (kind == "toolong" && !r_.scenarios.empty()) {
            r_.scenarios.back().stop = ScenarioRun::Stop::TooLong;
            last_ = std::max(last_, ns(e.at(1)));
        } else if (kind == "missing" && !r_.scenarios.empty()) {
            r_.scenarios.back().stop = ScenarioRun::Stop::Missing;
            r_.scenarios.back().missing = e.at(1).get<std::string>();
        } else if (kind == "notcoroutine" && !r_.scenarios.empty()) {
            r_.scenarios.back().stop = ScenarioRun::Stop::NotCoroutine;
            r_.scenarios.back().not_coroutine = e.at(1).get<std::string>();
        } else if (kind == "raised" && !r_.scenarios.empty()) {
            ScenarioRun& s = r_.scenarios.back();
            s.stop = ScenarioRun::Stop::Raised;
            const std::string message = e.at(3).get<std::string>();
            s.run.error = message.empty()
                              ? e.at(2).get<std::string>()
                              : fmt::format("{}: {}", e.at(2).get<std::string>(), message);
            s.error_file = site_file(e.at(4));
            s.error_line = e.at(5).get<int>();
        } else if (kind == "scenario_end") {
            last_ = std::max(last_, ns(e.at(1)));
            close_scenario();
        } else if (kind == "end") {
            close_scenario();
            ended_ = true;
            r_.end = ns(e.at(1));
            const auto status = e.at(2).get<std::string>();
            r_.exit_code = e.at(3).get<int>();
            r_.outcome = status == "hang"        ? Outcome::Hang
                         : status == "realio"    ? Outcome::RealIo
                         : status == "exception" ? Outcome::Exception
                         : r_.exit_code != 0     ? Outcome::Exited
                                                 : Outcome::Ok;
        }
    }

    Recording& r_;
    const std::function<void(const TraceEvent&, const Trace&)>& on_event_;
    bool hello_ = false;
    bool ended_ = false;
    std::size_t scenario_closed_ = 0;  ///< How many scenarios have their recording.
    Duration last_{};
    std::map<std::uint32_t, std::string> renames_;
    std::vector<PlainItem> items_;  // the line being read, reused
};

/// What the child execs, made before the fork: after it, the child calls only async-signal-safe
/// functions (a malloc there can fail under the memory limit, or deadlock on another thread's
/// lock).
struct ChildPlan {
    std::vector<std::string> words;
    std::vector<std::string> environment;
    std::vector<char*> argv;
    std::vector<char*> envp;
    rlimit memory{};
};

ChildPlan plan_child(const RecorderOptions& options) {
    ChildPlan plan;
    plan.words = {"python3", "-c", bootstrap, options.program};
    plan.words.insert(plan.words.end(), options.args.begin(), options.args.end());
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        if (entry.starts_with("ASYNCLAB_TRACE_FD=") || entry.starts_with("ASYNCLAB_TRACE_CLOCK="))
            continue;
        plan.environment.emplace_back(entry);
    }
    plan.environment.emplace_back(fmt::format("ASYNCLAB_TRACE_FD={}", events_fd));
    plan.environment.emplace_back(fmt::format(
        "ASYNCLAB_TRACE_CLOCK={}", options.clock == ClockMode::Virtual ? "virtual" : "real"));
    for (std::string& w : plan.words) plan.argv.push_back(w.data());
    plan.argv.push_back(nullptr);
    for (std::string& e : plan.environment) plan.envp.push_back(e.data());
    plan.envp.push_back(nullptr);
    const rlim_t bytes = static_cast<rlim_t>(options.memory_mb) << 20;
    plan.memory = {bytes, bytes};
    return plan;
}

[[noreturn]] void exec_child(const ChildPlan& plan, const char* python, int stdout_fd,
                             int events_write, int source_read) {
    ::setpgid(0, 0);
    ::setrlimit(RLIMIT_AS, &plan.memory);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // A program in a process group of its own must not read the terminal (it would be stopped).
    if (::isatty(STDIN_FILENO) == 1) {
        const int null = ::open("/dev/null", O_RDONLY);
        ::dup2(null, STDIN_FILENO);
    }
    if (stdout_fd >= 0) ::dup2(stdout_fd, STDOUT_FILENO);
    // Moved out of the way first: either may already sit on 3 or 4.
    const int ev = ::fcntl(events_write, F_DUPFD, 10);
    const int src = ::fcntl(source_read, F_DUPFD, 10);
    ::dup2(ev, events_fd);
    ::dup2(src, source_fd);
    ::close_range(source_fd + 1, ~0U, 0);
    ::execve(python, plan.argv.data(), plan.envp.data());
    ::_exit(127);
}

}  // namespace

std::string_view embedded_python(std::string_view file_name) {
    for (const lessons::EmbeddedFile& f :
         std::span(lessons::recorder_files, lessons::recorder_files_count)) {
        if (f.path.ends_with("/" + std::string(file_name))) return f.text;
    }
    return {};
}

std::string_view to_string(Outcome outcome) noexcept {
    switch (outcome) {
        case Outcome::Ok:
            return "ok";
        case Outcome::Exited:
            return "exited";
        case Outcome::Exception:
            return "exception";
        case Outcome::Hang:
            return "hang";
        case Outcome::RealIo:
            return "real-io";
        case Outcome::TimedOut:
            return "timed-out";
        case Outcome::Interrupted:
            return "interrupted";
        case Outcome::Killed:
            return "killed";
        case Outcome::NoRecorder:
            return "no-recorder";
        case Outcome::OldPython:
            return "old-python";
    }
    return "?";
}

std::optional<Outcome> outcome_from(std::string_view name) noexcept {
    for (int i = 0; i <= static_cast<int>(Outcome::OldPython); ++i) {
        if (to_string(static_cast<Outcome>(i)) == name) return static_cast<Outcome>(i);
    }
    return std::nullopt;
}

std::optional<std::string> find_python() {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        const auto colon = dirs.find(':');
        const std::string_view dir = dirs.substr(0, colon);  // empty: the current directory
        const std::string candidate =
            (std::filesystem::path(dir.empty() ? std::string_view(".") : dir) / "python3").string();
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        if (colon == std::string_view::npos) return std::nullopt;
        dirs.remove_prefix(colon + 1);
    }
}

Recording record_program(const RecorderOptions& options,
                         const std::function<void(const TraceEvent&, const Trace&)>& on_event) {
    int events[2];
    int source[2];
    if (::pipe2(events, O_CLOEXEC) != 0 || ::pipe2(source, O_CLOEXEC) != 0)
        throw std::runtime_error(say("trace.cannot_start", fmt::arg("why", std::strerror(errno))));
    std::string text(recorder_source());
    for (const auto& [name, source_text] : options.modules) {
        text += '\0';
        text += name;
        text += '\0';
        text += source_text;
    }
    // The recorder (tens of kilobytes) fits the pipe: written whole before the child reads it.
    ::fcntl(source[1], F_SETPIPE_SZ, static_cast<int>(text.size() + 4096));
    if (::write(source[1], text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        throw std::runtime_error(tr("trace.cannot_hand"));
    ::close(source[1]);

    const ChildPlan plan = plan_child(options);
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(say("trace.cannot_start", fmt::arg("why", std::strerror(errno))));
    if (pid == 0) exec_child(plan, options.python.c_str(), options.stdout_fd, events[1], source[0]);
    ::setpgid(pid, pid);
    ::close(events[1]);
    ::close(source[0]);

    Recording r;
    EventReader reader(r, on_event);
    std::string buffer;
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    bool stopped = false;
    for (;;) {
        pollfd in{events[0], POLLIN, 0};
        const int ready = ::poll(&in, 1, 50);
        if (ready > 0) {
            char chunk[1 << 16];
            const ssize_t n = ::read(events[0], chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            buffer.append(chunk, static_cast<std::size_t>(n));
            std::size_t begin = 0;
            for (std::size_t nl; (nl = buffer.find('\n', begin)) != std::string::npos;
                 begin = nl + 1) {
                reader.line(std::string_view(buffer).substr(begin, nl - begin));
            }
            buffer.erase(0, begin);
            continue;
        }
        if (stopped) continue;
        const bool interrupted =
            options.interrupt != nullptr && options.interrupt->load(std::memory_order_relaxed);
        if (interrupted || std::chrono::steady_clock::now() >= deadline) {
            // Its whole group: threads and children it started go with it.
            ::kill(-pid, SIGKILL);
            r.outcome = interrupted ? Outcome::Interrupted : Outcome::TimedOut;
            stopped = true;
        }
    }
    ::close(events[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (stopped) {
        r.end = std::max(reader.last(), r.end);
    } else if (!reader.hello()) {
        r.outcome = Outcome::NoRecorder;
    } else if (r.outcome == Outcome::OldPython) {
        // Said so in its hello; the recorder stopped there.
    } else if (!reader.ended()) {
        r.end = reader.last();
        r.outcome = Outcome::Killed;
        r.exit_code = WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
    }
    if (!reader.renames().empty()) r.trace = renamed(r.trace, reader.renames());
    return r;
}

std::vector<std::pair<std::string, Value>> trace_metrics(const Recording& r) {
    const TraceReading reading = read_trace(r.trace, r.end);
    // +1 when a task is created, -1 when it ends; at one instant the ends come first.
    std::vector<std::pair<Duration, int>> steps;
    for (const TaskSegments& t : reading.tasks) {
        steps.emplace_back(t.created, +1);
        if (t.state != EndState::Unfinished) steps.emplace_back(t.ended, -1);
    }
    std::sort(steps.begin(), steps.end());
    std::int64_t alive = 0;
    std::int64_t peak = 0;
    for (const auto& [t, d] : steps) peak = std::max(peak, alive += d);
    return {{"tasks", static_cast<std::int64_t>(reading.tasks.size())},
            {"peak_concurrency", peak},
            {"makespan_s", to_secs(r.end)}};
}

}  // namespace asynclab::cli

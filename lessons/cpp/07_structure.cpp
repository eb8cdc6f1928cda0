// Lesson 7 — structure: what happens to the other tasks when one fails. Plain gather lets the
// siblings run on unsupervised; a task group cancels them, waits for their cleanup, and only then
// raises — every failure together, as an ExceptionGroup. And a task nobody keeps a handle to fails
// in silence, but for a line in the log.
//
// `asynclab run 7` runs the demos below in order, each as the main task of a fresh loop. Every
// demo has the same children: A, B, C... one per --delays entry, each working its delay; the child
// at position --fail fails --fail-at seconds in instead.

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/ranges.h>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {
namespace {

/// How a child ends: it works, then completes or raises one of these.
enum class Ending { Completes, ConnectionLost, BadReply };

struct Child {
    std::string name;
    Duration work;
    Ending ending;
};

std::string joined(const std::vector<std::string>& names) {
    return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

/// The children as the knobs describe them. `failing`: how many children fail, from --fail on
/// (wrapping round); they fail together, --fail-at seconds in.
std::vector<Child> children_of(const Demo& demo, std::size_t failing = 1) {
    const std::vector<Duration> delays = demo.seconds_list("delays");
    // --fail past the last child means the last: the knob's range cannot know the list's length.
    const std::size_t first = std::min<std::size_t>(demo.size("fail"), delays.size()) - 1;
    std::vector<Child> children;
    for (std::size_t i = 0; i < delays.size(); ++i)
        children.push_back({std::string(1, "ABCDE"[i]), delays[i], Ending::Completes});
    for (std::size_t k = 0; k < std::min(failing, delays.size()); ++k) {
        Child& c = children[(first + k) % delays.size()];
        c.work = demo.seconds("fail-at");
        c.ending = k == 0 ? Ending::ConnectionLost : Ending::BadReply;
    }
    return children;
}

/// One child. `ended` collects the order the children end in, however they end.
Task<std::string> work(Child child, std::vector<std::string>* ended) {
    try {
        co_await sleep(child.work);
    } catch (const Cancelled&) {
        print("{} cancelled: cleaning up", child.name);
        ended->push_back(child.name);
        throw;
    }
    ended->push_back(child.name);
    if (child.ending == Ending::ConnectionLost) {
        print("{} fails", child.name);
        throw ConnectionError(child.name + " lost its connection");
    }
    if (child.ending == Ending::BadReply) {
        print("{} fails", child.name);
        throw ValueError(child.name + " got a bad reply");
    }
    print("{} done", child.name);
    co_return child.name;
}

std::vector<TaskHandle<std::string>> spawn_all(const std::vector<Child>& children,
                                               std::vector<std::string>* ended) {
    std::vector<TaskHandle<std::string>> tasks;
    for (const Child& c : children) tasks.push_back(spawn(work(c, ended), c.name));
    return tasks;
}

std::vector<std::string> not_done(const std::vector<TaskHandle<std::string>>& tasks) {
    std::vector<std::string> names;
    for (const auto& t : tasks) {
        if (!t.done()) names.push_back(t.name());
    }
    return names;
}

/// Each child's final state, by name.
ValueRecord states_of(const std::vector<TaskHandle<std::string>>& tasks) {
    ValueRecord states;
    for (const auto& t : tasks) states.emplace_back(t.name(), to_string(t.status()));
    return states;
}

std::vector<std::string> cancelled_of(const std::vector<TaskHandle<std::string>>& tasks) {
    std::vector<std::string> names;
    for (const auto& t : tasks) {
        if (t.cancelled()) names.push_back(t.name());
    }
    return names;
}

/// Looks at every failure, so that none is reported as never retrieved.
void retrieve_all(const std::vector<TaskHandle<std::string>>& tasks) {
    for (const auto& t : tasks) {
        if (t.status() == TaskStatus::Failed) (void)t.exception();
    }
}

// Plain gather: the caller hears the first failure at once; the siblings are not cancelled and
// run on, with nobody waiting for them. (The demo waits for them before it ends, to show them.)
Task<void> gather_fails(Demo& demo) {
    std::vector<std::string> ended;
    std::vector<TaskHandle<std::string>> tasks = spawn_all(children_of(demo), &ended);
    try {
        co_await gather(tasks);
        print("caller: every child completed");
    } catch (const Error& e) {
        print("caller: heard {}: {}; still running: {}", e.kind(), e.what(),
              joined(not_done(tasks)));
        demo.metric("error", fmt::format("{}: {}", e.kind(), e.what()));
    }
    demo.metric("heard_s", Loop::current().now());
    demo.metric("running_when_heard", not_done(tasks));
    co_await wait(tasks);
    retrieve_all(tasks);
    demo.metric("end_order", ended);
    demo.metric("states", states_of(tasks));
}

// The same children in a task group: the failure cancels the siblings, their cleanup runs, and
// the caller hears only once every child has finished.
Task<void> taskgroup_fails(Demo& demo) {
    std::vector<std::string> ended;
    const std::vector<Child> children = children_of(demo);
    std::vector<TaskHandle<std::string>> tasks;
    try {
        co_await task_group([&](TaskGroup& group) -> Task<void> {
            for (const Child& c : children) tasks.push_back(group.spawn(work(c, &ended), c.name));
            co_return;
        });
        print("caller: every child completed");
    } catch (const ExceptionGroup& e) {
        const std::string first = describe(e.exceptions().front());
        print("caller: heard {}; still running: {}", first, joined(not_done(tasks)));
        demo.metric("error", first);
    }
    demo.metric("heard_s", Loop::current().now());
    demo.metric("running_when_heard", not_done(tasks));
    demo.metric("end_order", ended);
    demo.metric("cancelled", cancelled_of(tasks));
    demo.metric("states", states_of(tasks));
}

// gather with return_exceptions: no early exit; every outcome, value or exception, in argument
// order.
Task<void> return_exceptions_demo(Demo& demo) {
    std::vector<std::string> ended;
    std::vector<TaskHandle<std::string>> tasks = spawn_all(children_of(demo), &ended);
    const std::vector<Outcome<std::string>> outcomes = co_await gather(return_exceptions, tasks);
    std::vector<std::string> shown;
    for (const auto& o : outcomes) shown.push_back(o.ok() ? o.value() : error_kind(o.error()));
    print("caller: outcomes {}", joined(shown));
    demo.metric("heard_s", Loop::current().now());
    demo.metric("outcomes", shown);
    demo.metric("end_order", ended);
}

// wait with FIRST_EXCEPTION: it returns at the first failure with the done and pending sets, and
// cancels nothing. The demo then cancels what is pending itself.
Task<void> first_exception(Demo& demo) {
    std::vector<std::string> ended;
    std::vector<TaskHandle<std::string>> tasks = spawn_all(children_of(demo), &ended);
    auto [done, pending] = co_await wait(tasks, ReturnWhen::FirstException);
    std::vector<std::string> done_names;
    for (const auto& t : done) done_names.push_back(t.name());
    const std::vector<std::string> pending_names = not_done(tasks);
    print("caller: wait returned; done {}, pending {}", joined(done_names), joined(pending_names));
    demo.metric("returned_s", Loop::current().now());
    demo.metric("done", done_names);
    demo.metric("pending", pending_names);
    for (auto& t : pending) t.cancel();
    if (!pending.empty()) co_await wait(pending);  // wait() refuses an empty set, as asyncio's
    retrieve_all(tasks);
    demo.metric("end_order", ended);
    demo.metric("states", states_of(tasks));
}

// Two children fail at the same moment, each with its own error: the group carries both, and the
// caller handles each kind (except* in Python).
Task<void> exception_group(Demo& demo) {
    std::vector<std::string> ended;
    const std::vector<Child> children = children_of(demo, 2);
    std::vector<TaskHandle<std::string>> tasks;
    std::vector<std::string> errors;
    try {
        co_await task_group([&](TaskGroup& group) -> Task<void> {
            for (const Child& c : children) tasks.push_back(group.spawn(work(c, &ended), c.name));
            co_return;
        });
    } catch (const ExceptionGroup& group) {
        // Like Python's except* clauses: each clause in turn takes every error of its kind, so
        // the ConnectionErrors are handled first whichever child failed first.
        const auto handle = [&]<class Kind>(std::string_view kind) {
            for (const std::exception_ptr& e : group.exceptions()) {
                try {
                    std::rethrow_exception(e);
                } catch (const Kind& k) {
                    print("caller: except* {}: {}", kind, k.what());
                    errors.push_back(describe(e));
                } catch (...) {
                }
            }
        };
        handle.operator()<ConnectionError>("ConnectionError");
        handle.operator()<ValueError>("ValueError");
    }
    demo.metric("heard_s", Loop::current().now());
    demo.metric("failures", static_cast<std::int64_t>(errors.size()));
    demo.metric("errors", errors);
    demo.metric("end_order", ended);
    demo.metric("cancelled", cancelled_of(tasks));
    demo.metric("states", states_of(tasks));
}

Task<void> send_report(std::string name, Duration after) {
    co_await sleep(after);
    print("{} fails", name);
    throw ConnectionError(name + " could not reach the server");
}

std::int64_t unretrieved_reports() {
    std::int64_t n = 0;
    if (const Trace* trace = Loop::current().trace()) {
        for (const TraceEvent& e : trace->events()) {
            if (e.type == EventType::Log && e.name == channel::engine &&
                e.text.starts_with("Task exception was never retrieved"))
                ++n;
        }
    }
    return n;
}

// Fire and forget: a task whose handle is dropped fails with nobody to hear it. The engine (as
// asyncio) can only report it when the task's last reference goes. The same task kept and awaited
// hands its failure to the caller.
Task<void> lost_task(Demo& demo) {
    const Duration after = demo.seconds("fail-at");
    spawn(send_report("forgotten", after), "forgotten");  // the handle is thrown away
    TaskHandle<void> kept = spawn(send_report("kept", after), "kept");
    std::string kept_error;
    try {
        co_await kept;
    } catch (const ConnectionError& e) {
        kept_error = fmt::format("{}: {}", e.kind(), e.what());
        print("caller: kept task failed with {}", kept_error);
    }
    demo.metric("heard_s", Loop::current().now());
    demo.metric("kept_error", kept_error);
    demo.metric("unretrieved_reports", unretrieved_reports());
}

}  // namespace

// The lesson: its number, and its demos in the order `run 7` runs them. Its knobs and its words
// are in lesson_data/07-structure.toml.
const Lesson& lesson_structure() {
    static const Lesson lesson{7,
                               "structure",
                               {{"gather-fails", gather_fails},
                                {"taskgroup-fails", taskgroup_fails},
                                {"return-exceptions", return_exceptions_demo},
                                {"first-exception", first_exception},
                                {"exception-group", exception_group},
                                {"lost-task", lost_task}}};
    return lesson;
}

}  // namespace asynclab::lessons

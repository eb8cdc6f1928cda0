// Lesson 1 — tasks: a coroutine runs only when awaited; tasks run on their own, and their waits
// overlap.
//
// `asynclab run 1` runs the demos below in order, each as the main task of a fresh loop. The
// fetches only sleep: waiting is what async code is good at overlapping.

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/ranges.h>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {
namespace {

std::string joined(const std::vector<std::string>& names) {
    return fmt::format("{}", fmt::join(names, ", "));
}

std::string fetch_name(std::size_t i) {
    return std::string(1, "ABCDEFGHIJ"[i]);  // --delays lists up to 10 fetches
}

// A fake network fetch: it only waits. Parameters are taken by value — the Task may start long
// after this call, when a reference argument could be gone. `finished` collects finishing order.
Task<std::string> fetch(std::string name, Duration delay, std::vector<std::string>* finished) {
    print("fetch {} started ({:g} s)", name, to_secs(delay));
    co_await sleep(delay);
    print("fetch {} done", name);
    finished->push_back(name);
    co_return name;
}

Task<void> note_running(bool* ran, std::string who) {
    *ran = true;
    print("{} is running", who);
    co_return;
}

// Calling a coroutine function builds a coroutine and runs nothing. Spawning it makes a task,
// which the loop starts on its next turn — nobody has to await it.
Task<void> coroutine_vs_task(Demo& demo) {
    bool coroutine_ran = false;
    bool task_ran = false;
    Task<void> coroutine = note_running(&coroutine_ran, "the awaited coroutine");  // nothing runs
    TaskHandle<void> task = spawn(note_running(&task_ran, "the spawned task"), "spawned");
    print("made a coroutine and spawned a task; neither has run yet");
    co_await yield();  // one loop turn: the spawned task runs now
    demo.metric("coroutine_ran_before_await", coroutine_ran);
    demo.metric("task_ran_without_await", task_ran);
    print("after one loop turn: coroutine ran = {}, task ran = {}", python_bool(coroutine_ran),
          python_bool(task_ran));
    co_await std::move(coroutine);  // only awaiting runs it — inside this task
    co_await task;
}

// One await after another: each fetch finishes before the next starts.
Task<void> sequential(Demo& demo) {
    const std::vector<Duration> delays = demo.seconds_list("delays");
    std::vector<std::string> results;
    std::vector<std::string> finished;
    for (std::size_t i = 0; i < delays.size(); ++i) {
        results.push_back(co_await fetch(fetch_name(i), delays[i], &finished));
    }
    print("results: {}", joined(results));
    demo.metric("makespan_s", Loop::current().now());
    demo.metric("results", results);
}

// Spawn them all, then gather: the sleeps overlap, and gather returns the results in argument
// order whatever order the tasks finish in.
Task<void> concurrent(Demo& demo) {
    const std::vector<Duration> delays = demo.seconds_list("delays");
    std::vector<std::string> finished;
    std::vector<TaskHandle<std::string>> tasks;
    for (std::size_t i = 0; i < delays.size(); ++i) {
        tasks.push_back(spawn(fetch(fetch_name(i), delays[i], &finished), fetch_name(i)));
    }
    std::vector<std::string> results = co_await gather(tasks);
    print("results: {} (finished {})", joined(results), joined(finished));
    demo.metric("makespan_s", Loop::current().now());
    demo.metric("results", results);
    demo.metric("finish_order", finished);
}

Task<std::string> fetch_and_fail(Duration delay) {
    co_await sleep(delay);
    throw ConnectionError("connection reset by peer");
}

// Three ways a task ends: completed (a result), failed (an exception), cancelled.
Task<void> lifecycle(Demo& demo) {
    const std::vector<Duration> delays = demo.seconds_list("delays");
    const Duration longest = *std::max_element(delays.begin(), delays.end());
    std::vector<std::string> finished;
    std::vector<TaskHandle<std::string>> tasks{
        spawn(fetch("ok", delays.front(), &finished), "ok"),
        spawn(fetch_and_fail(delays.back()), "boom"),
        spawn(fetch("slow", longest * 10, &finished), "slow"),
    };
    co_await sleep(longest);
    print("cancelling slow");
    tasks[2].cancel();
    co_await wait(tasks);  // wait() never raises the tasks' exceptions

    ValueRecord states;  // task name -> how it ended
    int completed = 0;
    int failed = 0;
    int cancelled = 0;
    for (const auto& t : tasks) {
        states.emplace_back(t.name(), to_string(t.status()));
        if (t.cancelled()) {
            ++cancelled;
            print("{}: cancelled", t.name());
        } else if (std::exception_ptr error = t.exception()) {  // retrieving it: no warning
            ++failed;
            print("{}: failed with {}", t.name(), describe(error));
        } else {
            ++completed;
            print("{}: completed with {}", t.name(), t.result());
        }
    }
    demo.metric("completed", completed);
    demo.metric("failed", failed);
    demo.metric("cancelled", cancelled);
    demo.metric("states", states);
}

// Race them: take the first result, cancel the rest (asyncio.wait with FIRST_COMPLETED).
Task<void> first_completed(Demo& demo) {
    const std::vector<Duration> delays = demo.seconds_list("delays");
    std::vector<std::string> finished;
    std::vector<TaskHandle<std::string>> tasks;
    for (std::size_t i = 0; i < delays.size(); ++i) {
        tasks.push_back(spawn(fetch(fetch_name(i), delays[i], &finished), fetch_name(i)));
    }
    auto [done, pending] = co_await wait(tasks, ReturnWhen::FirstCompleted);
    const Duration first_done = Loop::current().now();
    std::string winner = done.front().result();
    print("{} won; cancelling the {} others", winner, pending.size());
    std::vector<std::string> cancelled;
    for (auto& t : pending) {
        t.cancel();
        cancelled.push_back(t.name());
    }
    // Let them finish cancelling before the demo ends. (None left when all finished at once:
    // asyncio.wait, like wait() here, refuses an empty set.)
    if (!pending.empty()) co_await wait(pending);
    demo.metric("winner", winner);
    demo.metric("first_done_s", first_done);
    demo.metric("cancelled", cancelled);
}

}  // namespace

// The lesson: its number, and its demos in the order `run 1` runs them. Its knobs and its
// words are in lesson_data/01-tasks.toml.
const Lesson& lesson_tasks() {
    static const Lesson lesson{1,
                               "tasks",
                               {{"coroutine-vs-task", coroutine_vs_task},
                                {"sequential", sequential},
                                {"concurrent", concurrent},
                                {"lifecycle", lifecycle},
                                {"first-completed", first_completed}}};
    return lesson;
}

}  // namespace asynclab::lessons

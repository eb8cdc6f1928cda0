// Lesson 2 — timeouts and cancellation: a timeout cancels the work it guards, the work cleans up,
// and only then does the caller hear about it. Cancellation is a request a task can (wrongly)
// swallow.
//
// `asynclab run 2` runs the demos below in order, each as the main task of a fresh loop.

#include <array>
#include <string>
#include <vector>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {
namespace {

constexpr Duration step_time = std::chrono::milliseconds(20);

// A slow job. Its cleanup is in a catch that rethrows: it runs when the job is cancelled, before
// whoever cancelled it goes on. (An RAII object would do the same.)
Task<std::string> slow_job(Duration work, bool* cleaned_up) {
    try {
        print("job: working for {:g} s", to_secs(work));
        co_await sleep(work);
        print("job: finished");
        co_return "report.pdf";
    } catch (const Cancelled&) {
        print("job: cancelled — closing the connection");
        *cleaned_up = true;
        throw;  // cancellation must go on up, or the job would look completed
    }
}

// wait_for: the job runs as its own task; on timeout it is cancelled, it cleans up, and then the
// caller sees TimeoutError.
Task<void> wait_for_demo(Demo& demo) {
    bool cleaned_up = false;
    TaskHandle<std::string> job = spawn(slow_job(demo.seconds("work"), &cleaned_up), "job");
    bool timed_out = false;
    try {
        std::string report = co_await wait_for(job, demo.seconds("timeout"));
        print("caller: got {}", report);
    } catch (const TimeoutError&) {
        timed_out = true;
        print("caller: TimeoutError; the job has already cleaned up: {}", python_bool(cleaned_up));
    }
    demo.metric("timed_out", timed_out);
    demo.metric("finished_s", Loop::current().now());
    demo.metric("job_state", to_string(job.status()));
}

Task<void> steps(Duration work, int* done) {
    for (Duration spent{}; spent + step_time <= work; spent += step_time) {
        co_await sleep(step_time);
        print("step {} done", ++*done);
    }
}

// timeout(): a deadline over a block of awaits in this same task.
Task<void> timeout_scope(Demo& demo) {
    int done = 0;
    bool timed_out = false;
    try {
        co_await timeout(demo.seconds("timeout"), steps(demo.seconds("work"), &done));
    } catch (const TimeoutError&) {
        timed_out = true;
        print("TimeoutError after {} steps", done);
    }
    demo.metric("steps_done", done);
    demo.metric("timed_out", timed_out);
    demo.metric("finished_s", Loop::current().now());
}

// cancel(): asking a task to stop. It stops at its current await, runs its cleanup, and ends
// cancelled — which is not the same as failed.
Task<void> cancel_demo(Demo& demo) {
    bool cleaned_up = false;
    TaskHandle<std::string> job = spawn(slow_job(demo.seconds("work"), &cleaned_up), "job");
    co_await sleep(demo.seconds("timeout"));
    const Duration cancelled_at = Loop::current().now();
    print("main: job.cancel() -> {}", python_bool(job.cancel()));
    std::vector<TaskHandle<std::string>> jobs{job};
    co_await wait(jobs);
    print("main: job is {}, cleanup ran: {}", to_string(job.status()), python_bool(cleaned_up));
    demo.metric("cancelled_at_s", cancelled_at);
    demo.metric("cleanup_ran", cleaned_up);
    demo.metric("state", to_string(job.status()));
}

// The pitfall: catch (...) also catches Cancelled, and the task carries on as if nothing asked it
// to stop. Catch what you mean, or rethrow.
Task<int> stubborn(Duration work, Duration extra) {
    const std::array<Duration, 2> parts{work, extra};
    for (const Duration part : parts) {
        try {
            co_await sleep(part);
        } catch (...) {
            print("stubborn: swallowed the cancellation and carried on");
        }
    }
    print("stubborn: finished anyway");
    co_return 42;
}

Task<void> swallowed_cancel(Demo& demo) {
    const Duration t = demo.seconds("timeout");
    TaskHandle<int> task = spawn(stubborn(demo.seconds("work"), t), "stubborn");
    co_await sleep(t);
    const Duration requested_at = Loop::current().now();
    task.cancel();
    print("main: cancel() requested");
    const int result = co_await task;
    print("main: the task {} with {}", to_string(task.status()), result);
    demo.metric("cancel_requested_at_s", requested_at);
    demo.metric("state", to_string(task.status()));
    demo.metric("finished_s", Loop::current().now());
}

}  // namespace

// The lesson: its number, and its demos in the order `run 2` runs them. Its knobs and its
// words are in lesson_data/02-timeouts.toml.
const Lesson& lesson_timeouts() {
    static const Lesson lesson{2,
                               "timeouts",
                               {{"wait-for", wait_for_demo},
                                {"timeout-scope", timeout_scope},
                                {"cancel", cancel_demo},
                                {"swallowed-cancel", swallowed_cancel}}};
    return lesson;
}

}  // namespace asynclab::lessons

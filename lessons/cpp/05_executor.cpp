// Lesson 5 — executor: a blocking call on the loop thread stalls every task; the same call on a
// thread pool leaves the loop free, and a semaphore in front of the pool bounds what piles up.
//
// `asynclab run 5` runs the demos below in order, each as the main task of a fresh loop. In each
// one a ticker task wants to tick every --tick seconds, a stand-in for all the other tasks of a
// program, while --jobs jobs block for --block seconds each. The jobs are the same in every demo;
// only where they block changes.
//
// block_loop(d) is time.sleep(d) called inside an async function: it holds the loop thread.
// run_blocking(d) is run_in_executor for a job that holds a pool thread for d: on the real clock a
// pool thread really sleeps that long; on the virtual clock the engine models a pool of --pool
// threads exactly, so the figures come out the same, minus the jitter. (--pool sizes both pools:
// lesson_data/05-executor.toml declares it a "threads" knob.)

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {
namespace {

// What the ticker saw: how often it ticked, and the longest it went without a tick.
struct Beat {
    Duration wanted{};  // --tick
    Duration last{};    // when it last ticked (or started)
    Duration longest_gap{};
    int ticks = 0;
    std::int64_t missed = 0;  // beats that went by without a tick
};

// Ticks every `every` seconds until cancelled. It ticks only when the loop runs it: a due timer
// is not a tick until the loop thread is free to run the task it wakes.
Task<void> ticker(Duration every, Beat* beat) {
    Loop& loop = Loop::current();
    beat->last = loop.now();
    try {
        for (;;) {
            co_await sleep(every);
            const Duration gap = loop.now() - beat->last;
            beat->longest_gap = std::max(beat->longest_gap, gap);
            beat->missed += gap / every - 1;
            beat->last = loop.now();
            ++beat->ticks;
        }
    } catch (const Cancelled&) {
        // Stopped: the stretch since the last tick counts too. A ticker stalled for the whole
        // run never ticks at all, and that is the longest gap of all.
        const Duration gap = loop.now() - beat->last;
        beat->longest_gap = std::max(beat->longest_gap, gap);
        beat->missed += gap / every;
        print("ticker: stopped after {} ticks; longest gap {:.3f} s (it wanted {:.3f} s)",
              beat->ticks, to_secs(beat->longest_gap), to_secs(every));
        throw;  // a cancelled task must end cancelled
    }
}

TaskHandle<void> start_ticker(Demo& demo, Beat* beat) {
    beat->wanted = demo.seconds("tick");
    return spawn(ticker(beat->wanted, beat), "ticker");
}

// The jobs are done: stop the ticker (cancel it and let it finish), then report what it saw.
Task<void> stop_ticker(Demo& demo, TaskHandle<void> ticker_task, const Beat* beat) {
    ticker_task.cancel();
    std::vector<TaskHandle<void>> ticking{ticker_task};
    co_await wait(ticking);  // wait() never raises: a cancelled ticker is what we asked for
    demo.metric("longest_tick_gap_s", beat->longest_gap);
    demo.metric("ticks", beat->ticks);
    demo.metric("ticks_missed", beat->missed);
}

std::string job_name(int i) {
    return "j" + std::to_string(i);
}

// ---- blocking-loop ---------------------------------------------------------------------------

// A blocking call right on the loop thread: no co_await, so nothing else runs until it returns,
// not the ticker, not the other jobs, not the loop itself.
Task<void> job_on_loop(int i, Duration block) {
    block_loop(block);  // time.sleep(block) inside an async def
    print("{} done: it held the loop thread for {:g} s", job_name(i), to_secs(block));
    co_return;
}

Task<void> blocking_loop(Demo& demo) {
    const int jobs = demo.count("jobs");
    const Duration block = demo.seconds("block");
    Beat beat;
    TaskHandle<void> ticking = start_ticker(demo, &beat);
    print("{} jobs of {:g} s, each called right on the loop thread", jobs, to_secs(block));

    // The jobs are tasks, spawned together, as in the next demo: they could overlap, but they do
    // not, because each holds the one thread every task shares.
    std::vector<TaskHandle<void>> tasks;
    for (int i = 0; i < jobs; ++i) tasks.push_back(spawn(job_on_loop(i, block), job_name(i)));
    co_await gather(tasks);

    const Duration makespan = Loop::current().now();
    print("all {} jobs done at {:.3f} s; stopping the ticker", jobs, to_secs(makespan));
    demo.metric("makespan_s", makespan);
    co_await stop_ticker(demo, ticking, &beat);
}

// ---- executor --------------------------------------------------------------------------------

// Jobs handed to the pool and not yet back: running on a thread, or queued for one.
struct InFlight {
    int threads = 0;  // --pool
    int now = 0;
    int most = 0;
    int most_waiting_for_thread = 0;

    void submitted() {
        most = std::max(most, ++now);
        most_waiting_for_thread = std::max(most_waiting_for_thread, now - threads);
    }
    void returned() { --now; }
};

// The same blocking call on a pool thread. The task suspends ("waiting on the thread pool") and
// the loop goes on running everything else; it resumes on the loop thread when the job is done.
Task<void> job_in_pool(int i, Duration block, InFlight* in_flight) {
    in_flight->submitted();
    co_await run_blocking(block);  // asyncio: await loop.run_in_executor(None, time.sleep, block)
    in_flight->returned();
    print("{} done", job_name(i));
}

void report_pool(Demo& demo, const InFlight& in_flight) {
    demo.metric("max_in_flight", in_flight.most);
    demo.metric("max_waiting_for_thread", in_flight.most_waiting_for_thread);
}

Task<void> executor(Demo& demo) {
    const int jobs = demo.count("jobs");
    const Duration block = demo.seconds("block");
    InFlight in_flight{.threads = demo.count("pool")};
    Beat beat;
    TaskHandle<void> ticking = start_ticker(demo, &beat);
    print("{} jobs of {:g} s, handed to a pool of {} threads all at once", jobs, to_secs(block),
          in_flight.threads);

    // run_in_executor never says no: every job goes to the pool at once, and those that find
    // every thread busy wait in the pool's own queue.
    std::vector<TaskHandle<void>> tasks;
    for (int i = 0; i < jobs; ++i) {
        tasks.push_back(spawn(job_in_pool(i, block, &in_flight), job_name(i)));
    }
    co_await gather(tasks);

    const Duration makespan = Loop::current().now();
    print("all {} jobs done at {:.3f} s; stopping the ticker", jobs, to_secs(makespan));
    demo.metric("makespan_s", makespan);
    report_pool(demo, in_flight);
    co_await stop_ticker(demo, ticking, &beat);
}

// ---- bounded-executor ------------------------------------------------------------------------

// A job that holds a permit of the semaphore in front of the pool. The permit is a parameter, so
// it lives in this task's frame: it goes back to the semaphore when the pool is done with the
// job — or, should the task be cancelled, when its frame goes.
Task<void> bounded_job(int i, Duration block, InFlight* in_flight, Held<Semaphore> permit) {
    co_await job_in_pool(i, block, in_flight);
    permit.release();
}

Task<void> bounded_executor(Demo& demo) {
    const int jobs = demo.count("jobs");
    const Duration block = demo.seconds("block");
    InFlight in_flight{.threads = demo.count("pool")};
    // One permit per thread: the pool is never handed more than it can run right away. (A
    // smaller limit would leave threads idle: the jobs would go through in waves of `limit`.)
    const int limit = in_flight.threads;
    Semaphore slots(limit);
    Beat beat;
    TaskHandle<void> ticking = start_ticker(demo, &beat);
    print("{} jobs of {:g} s, a pool of {} threads, at most {} jobs handed to it at once", jobs,
          to_secs(block), in_flight.threads, limit);

    // The producer takes a permit before each submission: when `limit` jobs are out, it waits
    // here, in a task of ours, where the wait shows (and could time out or be cancelled).
    Loop& loop = Loop::current();
    Duration producer_waited{};
    std::vector<TaskHandle<void>> tasks;
    for (int i = 0; i < jobs; ++i) {
        const bool full = slots.locked();  // every permit is out: this acquire will wait
        const Duration asked = loop.now();
        Held<Semaphore> permit = co_await slots.hold();
        if (full) {
            producer_waited += loop.now() - asked;
            print("producer: waited {:.3f} s for a permit for {}", to_secs(loop.now() - asked),
                  job_name(i));
        }
        tasks.push_back(spawn(bounded_job(i, block, &in_flight, std::move(permit)), job_name(i)));
    }
    co_await gather(tasks);

    const Duration makespan = loop.now();
    print("all {} jobs done at {:.3f} s; stopping the ticker", jobs, to_secs(makespan));
    demo.metric("limit", limit);
    demo.metric("makespan_s", makespan);
    report_pool(demo, in_flight);
    demo.metric("producer_waited_s", producer_waited);
    co_await stop_ticker(demo, ticking, &beat);
}

}  // namespace

// The lesson: its number, and its demos in the order `run 5` runs them. Its knobs and its
// words are in lesson_data/05-executor.toml.
const Lesson& lesson_executor() {
    static const Lesson lesson{5,
                               "executor",
                               {{"blocking-loop", blocking_loop},
                                {"executor", executor},
                                {"bounded-executor", bounded_executor}}};
    return lesson;
}

}  // namespace asynclab::lessons

#pragma once
// Small programs whose traces the CLI tests draw: each is a lesson's point in miniature, run on a
// virtual-clock Harness so that every time in the trace is exact.

#include <string>
#include <utility>
#include <vector>

#include "../engine/harness.hpp"

namespace asynclab::testing::demos {

// --- programs --------------------------------------------------------------------------------

inline Task<void> worker(Queue<int>* q, std::string name, double work) {
    for (;;) {
        const int item = co_await q->get();
        if (item >= 0) {
            co_await sleep(secs(work));
            print("{} handled {}", name, item);
        }
        q->task_done();
        if (item < 0) break;
    }
}

inline Task<void> producer(Queue<int>* q, int items, int workers) {
    for (int i = 0; i < items; ++i) {
        co_await sleep(secs(0.01));  // making the item
        co_await q->put(i);
    }
    for (int i = 0; i < workers; ++i) co_await q->put(-1);
    co_await q->join();
}

/// Lesson 3 in small: two workers on a queue of one, fed by a producer faster than they are.
inline void queue_demo(Harness& h) {
    h.loop.run([]() -> Task<void> {
        Queue<int> q(1);
        auto w0 = spawn(worker(&q, "w0", 0.03), "w0");
        auto w1 = spawn(worker(&q, "w1", 0.03), "w1");
        auto p = spawn(producer(&q, 6, 2), "producer");
        co_await gather(p, w0, w1);
    }());
}

inline Task<int> value_after(double seconds, int value) {
    co_await sleep(secs(seconds));
    co_return value;
}

inline Task<void> fail_after(double seconds) {
    co_await sleep(secs(seconds));
    throw ValueError("bad input");
}

inline Task<void> forever() {
    co_await sleep(secs(100));
}

/// Every way a task ends, one of them at once and one before it ever ran.
inline void lifecycle_demo(Harness& h) {
    h.loop.run([]() -> Task<void> {
        auto instant = spawn(value_after(0.0, 7), "instant");
        auto answer = spawn(value_after(0.03, 42), "answer");
        auto failing = spawn(fail_after(0.02), "failing");
        auto early = spawn(forever(), "cancelled-at-0");
        early.cancel();
        auto late = spawn(forever(), "cancelled-later");
        co_await sleep(secs(0.01));
        late.cancel();
        std::vector<TaskHandle<int>> values{instant, answer};
        co_await wait(std::move(values));
        try {
            co_await failing;
        } catch (const ValueError&) {
        }
        co_await settled(early);
        co_await settled(late);
    }());
}

inline Task<void> limited(Semaphore* sem, double work) {
    auto held = co_await sem->hold();
    co_await sleep(secs(work));
}

/// Lesson 4 in small: six tasks through a semaphore of two.
inline void staircase_demo(Harness& h) {
    h.loop.run([]() -> Task<void> {
        Semaphore sem(2);
        std::vector<TaskHandle<void>> tasks;
        for (int i = 0; i < 6; ++i) {
            tasks.push_back(spawn(limited(&sem, 1.0), fmt::format("task-{}", i)));
        }
        co_await gather(tasks);
    }());
}

inline Task<void> ticker(int ticks) {
    for (int i = 0; i < ticks; ++i) co_await sleep(secs(0.01));
}

inline Task<void> blocker(int jobs) {
    for (int i = 0; i < jobs; ++i) {
        block_loop(secs(0.02));
        co_await yield();
    }
}

/// Lesson 5 in small: a ticker that wants to tick every 10 ms while another task blocks the loop.
inline void blocking_demo(Harness& h) {
    h.loop.run([]() -> Task<void> {
        auto t = spawn(ticker(10), "ticker");
        auto b = spawn(blocker(3), "blocker");
        co_await gather(t, b);
    }());
}

inline Task<void> pooled(double seconds) {
    co_await run_blocking(secs(seconds));
}

inline Task<void> locker(Lock* lock) {
    auto held = co_await lock->hold();
    co_await sleep(secs(0.01));
}

inline Task<void> event_waiter(Event* event) {
    co_await event->wait();
}

/// The other kinds of waiting: the thread pool (two threads, three jobs), a lock, an event.
inline void primitives_demo(Harness& h) {
    h.loop.run([]() -> Task<void> {
        Lock lock;
        Event event;
        std::vector<TaskHandle<void>> tasks;
        for (int i = 0; i < 3; ++i) tasks.push_back(spawn(pooled(0.02), fmt::format("job-{}", i)));
        for (int i = 0; i < 2; ++i)
            tasks.push_back(spawn(locker(&lock), fmt::format("lock-{}", i)));
        tasks.push_back(spawn(event_waiter(&event), "waiter"));
        co_await sleep(secs(0.03));
        event.set();
        co_await gather(tasks);
    }());
}

inline Task<int> fetch(double called_at) {
    co_await sleep(secs(0.005));
    if (called_at >= 0.02 && called_at < 0.08) throw RuntimeError("service down");
    co_return 1;
}

/// Lesson 6 in small: a service down from 0.02 to 0.08 s behind a breaker (2 failures, 30 ms).
inline void breaker_demo(Harness& h) {
    h.loop.run([]() -> Task<void> {
        CircuitBreaker breaker({.failure_threshold = 2, .cooldown = secs(0.03)});
        for (int i = 0; i < 12; ++i) {
            const double now = to_secs(Loop::current().now());
            auto call = [now] { return fetch(now); };
            try {
                co_await breaker.call(call);
            } catch (const Error&) {
            }
            co_await sleep(secs(0.01));
        }
    }());
}

/// Everything at t = 0: the demo takes no time at all.
inline void instant_demo(Harness& h) {
    h.loop.run([]() -> Task<void> {
        auto quick = spawn(value_after(0.0, 1), "quick");
        auto never = spawn(forever(), "never-ran");
        never.cancel();
        co_await settled(quick);
        co_await settled(never);
    }());
}

inline void many_tasks_demo(Harness& h) {
    h.loop.run([]() -> Task<void> {
        Semaphore sem(5);
        std::vector<TaskHandle<void>> tasks;
        for (int i = 0; i < 25; ++i) {
            tasks.push_back(spawn(limited(&sem, 0.1), fmt::format("fetch-url-{}", i)));
        }
        co_await gather(tasks);
    }());
}

using Demo = void (*)(Harness&);
inline const std::vector<std::pair<std::string, Demo>> all_demos{
    {"queue", queue_demo},       {"lifecycle", lifecycle_demo},   {"staircase", staircase_demo},
    {"blocking", blocking_demo}, {"primitives", primitives_demo}, {"breaker", breaker_demo},
    {"instant", instant_demo},   {"many", many_tasks_demo},
};

}  // namespace asynclab::testing::demos

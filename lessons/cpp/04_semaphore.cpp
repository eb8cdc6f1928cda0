// Lesson 4 — semaphores, locks and events: the synchronisation primitives of threaded code, in
// versions that suspend the task instead of blocking the thread. A Semaphore(n) lets n tasks in at
// once; a Lock makes a critical section with an await inside it indivisible; an Event releases
// every waiting task with one set().
//
// `asynclab run 4` runs the demos below in order, each as the main task of a fresh loop. Waiting
// for a service is only sleeping here, as in the earlier lessons.

#include <algorithm>
#include <string>
#include <vector>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {
namespace {

using namespace std::chrono_literals;

// The await between reading the counter and writing it back in the lock demo: a round trip to a
// database, say.
constexpr Duration io_call = 100ms;

// How many tasks are inside the semaphore right now, and the most there ever were.
struct Gauge {
    int inside = 0;
    int most = 0;
};

// One job that needs a scarce resource: a connection, a slot in a rate limit.
Task<void> limited_job(int i, Semaphore* sem, Duration work, Gauge* gauge) {
    auto permit = co_await sem->hold();  // asyncio: async with sem: — waits while none is free
    gauge->most = std::max(gauge->most, ++gauge->inside);
    print("t{} got a permit ({} running)", i, gauge->inside);
    co_await sleep(work);
    --gauge->inside;
    print("t{} done, releasing its permit", i);
}  // `permit` goes out of scope here: the permit goes to the first task in line

Task<void> limit(Demo& demo) {
    const int tasks = demo.count("tasks");
    Semaphore sem(demo.size("limit"));
    Gauge gauge;
    std::vector<TaskHandle<void>> jobs;
    for (int i = 0; i < tasks; ++i) {
        jobs.push_back(
            spawn(limited_job(i, &sem, demo.seconds("work"), &gauge), "t" + std::to_string(i)));
    }
    co_await gather(jobs);
    demo.metric("max_concurrency", gauge.most);
    demo.metric("makespan_s", Loop::current().now());
}

// counter += 1 in three steps with an await in the middle: the other tasks run in that gap.
Task<void> add_one(std::string who, int* counter) {
    const int seen = *counter;  // read
    print("{} read {}", who, seen);
    co_await sleep(io_call);  // other tasks run here — and read the same old value
    *counter = seen + 1;      // write: overwrites whatever they wrote meanwhile
    print("{} wrote {}", who, seen + 1);
}

// The same, with the whole read-await-write inside the lock: one task at a time.
Task<void> add_one_locked(std::string who, int* counter, Lock* lock) {
    auto held = co_await lock->hold();  // asyncio: async with lock:
    co_await add_one(who, counter);
}

Task<void> lock_demo(Demo& demo) {
    const int tasks = demo.count("tasks");

    int racy = 0;
    std::vector<TaskHandle<void>> unlocked;
    for (int i = 0; i < tasks; ++i) {
        const std::string name = "racy" + std::to_string(i);
        unlocked.push_back(spawn(add_one(name, &racy), name));
    }
    co_await gather(unlocked);
    const Duration racy_time = Loop::current().now();
    print("without a lock: counter = {}, expected {}", racy, tasks);

    int safe = 0;
    Lock lock;
    std::vector<TaskHandle<void>> locked;
    for (int i = 0; i < tasks; ++i) {
        const std::string name = "safe" + std::to_string(i);
        locked.push_back(spawn(add_one_locked(name, &safe, &lock), name));
    }
    co_await gather(locked);
    print("with a lock: counter = {}, expected {}", safe, tasks);

    demo.metric("expected", tasks);
    demo.metric("without_lock", racy);
    demo.metric("with_lock", safe);
    demo.metric("lost_updates", tasks - racy);
    demo.metric("time_without_lock_s", racy_time);
    demo.metric("time_with_lock_s", Loop::current().now() - racy_time);
}

// A waiter: nothing to do until the go signal; then it works.
Task<void> waiter(int i, Event* go, Duration work, Duration* released_at) {
    co_await go->wait();
    *released_at = Loop::current().now();
    print("w{} released", i);
    co_await sleep(work);
}

// Arrives after set(): the event stays set, so wait() returns at once.
Task<void> latecomer(Event* go, Duration* waited) {
    const Duration before = Loop::current().now();
    co_await go->wait();
    *waited = Loop::current().now() - before;
    print("late: wait() returned after {:g} s, the event is still set", to_secs(*waited));
}

Task<void> event_demo(Demo& demo) {
    const int tasks = demo.count("tasks");
    const Duration work = demo.seconds("work");
    Event go;
    std::vector<Duration> released_at(demo.size("tasks"));
    std::vector<TaskHandle<void>> waiters;
    for (int i = 0; i < tasks; ++i) {
        waiters.push_back(spawn(waiter(i, &go, work, &released_at[i]), "w" + std::to_string(i)));
    }
    co_await sleep(work);  // a little later: the config is loaded, say
    const Duration set_at = Loop::current().now();
    print("main: set()");
    go.set();  // one call releases every waiter
    Duration late_waited{};
    waiters.push_back(spawn(latecomer(&go, &late_waited), "late"));
    co_await gather(waiters);

    const Duration last_release = *std::max_element(released_at.begin(), released_at.end());
    demo.metric("waiters", tasks);
    demo.metric("set_at_s", set_at);
    demo.metric("released_at_s", last_release);  // the last waiter's release: all at set_at_s
    demo.metric("late_wait_s", late_waited);
}

}  // namespace

// The lesson: its number, and its demos in the order `run 4` runs them. Its knobs and its
// words are in lesson_data/04-semaphore.toml.
const Lesson& lesson_semaphore() {
    static const Lesson lesson{
        4, "semaphore", {{"limit", limit}, {"lock", lock_demo}, {"event", event_demo}}};
    return lesson;
}

}  // namespace asynclab::lessons

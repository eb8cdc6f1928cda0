// Event, Lock and Semaphore: FIFO wake-ups, no barging, and the hard cases of cancellation —
// while waiting, and after being handed the lock or permit but before running.
#include <memory>

#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

Task<void> wait_event(Event* e, std::string name) {
    try {
        co_await e->wait();
        print("{} released", name);
    } catch (const Cancelled&) {
        print("{} cancelled", name);
        throw;
    }
}

Task<void> hold_lock(Lock* lock, std::string name, double seconds) {
    auto held = co_await lock->hold();
    print("{} has the lock", name);
    co_await sleep(secs(seconds));
}

Task<void> hold_permit(Semaphore* sem, std::string name, double seconds, int* now_holding,
                       int* most) {
    auto permit = co_await sem->hold();
    *most = std::max(*most, ++*now_holding);
    print("{} in", name);
    try {
        co_await sleep(secs(seconds));
    } catch (...) {
        --*now_holding;
        throw;
    }
    --*now_holding;
}

}  // namespace

TEST_CASE("event: one set releases every waiter at that moment, in the order they waited") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Event e;
            std::vector<TaskHandle<void>> ws;
            for (const char* n : {"a", "b", "c"}) ws.push_back(spawn(wait_event(&e, n), n));
            co_await sleep(secs(0.5));
            CHECK_FALSE(e.is_set());
            e.set();
            print("set");
            co_await gather(ws);
            co_await e.wait();  // already set: no suspension
            e.clear();
            CHECK_FALSE(e.is_set());
        }());
        CHECK(h.output() == Lines{"0.500 main set", "0.500 a a released", "0.500 b b released",
                                  "0.500 c c released"});
        CHECK(h.events({EventType::Suspended}) ==
              Lines{"0.000 main suspended sleep", "0.000 a suspended event.wait",
                    "0.000 b suspended event.wait", "0.000 c suspended event.wait",
                    "0.500 main suspended gather"});
    }
    check_no_leaks();
}

TEST_CASE("event: a waiter cancelled while waiting is gone; set() then cancel() still cancels") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Event e;
        auto a = spawn(wait_event(&e, "a"), "a");
        auto b = spawn(wait_event(&e, "b"), "b");
        co_await sleep(secs(0.1));
        a.cancel();  // while waiting
        co_await sleep(secs(0.1));
        e.set();
        b.cancel();  // released, not yet run: the cancellation wins, as in asyncio
        co_await settled(a);
        co_await settled(b);
        CHECK(a.cancelled());
        CHECK(b.cancelled());
    }());
    CHECK(h.output() == Lines{"0.100 a a cancelled", "0.200 b b cancelled"});
}

TEST_CASE("lock: without it an await between read and write loses updates; with it none") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        int unsafe = 0;
        int safe = 0;
        Lock lock;
        std::vector<TaskHandle<void>> ts;
        for (int i = 0; i < 5; ++i) {
            ts.push_back(spawn([](int* counter) -> Task<void> {
                int seen = *counter;
                co_await sleep(secs(0.01));
                *counter = seen + 1;
            }(&unsafe)));
            ts.push_back(spawn([](int* counter, Lock* l) -> Task<void> {
                auto held = co_await l->hold();
                int seen = *counter;
                co_await sleep(secs(0.01));
                *counter = seen + 1;
            }(&safe, &lock)));
        }
        co_await gather(ts);
        CHECK(unsafe == 1);
        CHECK(safe == 5);
        CHECK(Loop::current().now() == secs(0.05));
    }());
}

TEST_CASE("lock: FIFO, and a task arriving after a release cannot barge in") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Lock lock;
        auto a = spawn(hold_lock(&lock, "a", 1.0), "a");
        auto b = spawn(hold_lock(&lock, "b", 1.0), "b");
        co_await sleep(secs(1.0));  // a releases at 1.0 and hands the lock to b, who has not run
        CHECK(lock.locked());
        auto late = spawn(hold_lock(&lock, "late", 1.0), "late");
        co_await gather(a, b, late);
        CHECK_FALSE(lock.locked());
        CHECK_THROWS_AS(lock.release(), RuntimeError);
    }());
    CHECK(h.output() == Lines{"0.000 a a has the lock", "1.000 b b has the lock",
                              "2.000 late late has the lock"});
}

TEST_CASE("lock: a waiter handed the lock but cancelled before running passes it on") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Lock lock;
            auto a = spawn(hold_lock(&lock, "a", 1.0), "a");
            auto b = spawn(hold_lock(&lock, "b", 1.0), "b");
            auto c = spawn(hold_lock(&lock, "c", 1.0), "c");
            auto d = spawn(hold_lock(&lock, "d", 1.0), "d");
            co_await sleep(secs(0.5));
            c.cancel();  // waiting: just leaves the queue
            co_await sleep(secs(0.5));
            b.cancel();  // a just released: b holds the hand-off but has not run
            co_await gather(a, d);
            CHECK(b.cancelled());
            CHECK(c.cancelled());
            CHECK_FALSE(lock.locked());
        }());
        CHECK(h.output() == Lines{"0.000 a a has the lock", "1.000 d d has the lock"});
    }
    check_no_leaks();
}

TEST_CASE("semaphore: at most n at once, FIFO; 10 tasks, 3 permits, 1 s each take 4 s") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Semaphore sem(3);
        int holding = 0;
        int most = 0;
        std::vector<TaskHandle<void>> ts;
        for (int i = 0; i < 10; ++i) {
            ts.push_back(spawn(hold_permit(&sem, fmt::format("t{}", i), 1.0, &holding, &most),
                               fmt::format("t{}", i)));
        }
        co_await gather(ts);
        CHECK(most == 3);
        CHECK(sem.value() == 3);
        CHECK(Loop::current().now() == secs(4.0));
    }());
    const Lines out = h.output();
    CHECK(out == Lines{"0.000 t0 t0 in", "0.000 t1 t1 in", "0.000 t2 t2 in", "1.000 t3 t3 in",
                       "1.000 t4 t4 in", "1.000 t5 t5 in", "2.000 t6 t6 in", "2.000 t7 t7 in",
                       "2.000 t8 t8 in", "3.000 t9 t9 in"});
}

TEST_CASE("semaphore: permits are conserved through every kind of cancellation") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Semaphore sem(1);
            int holding = 0;
            int most = 0;
            auto a = spawn(hold_permit(&sem, "a", 1.0, &holding, &most), "a");
            auto b = spawn(hold_permit(&sem, "b", 1.0, &holding, &most), "b");
            auto c = spawn(hold_permit(&sem, "c", 1.0, &holding, &most), "c");
            auto d = spawn(hold_permit(&sem, "d", 1.0, &holding, &most), "d");
            co_await sleep(secs(0.5));
            a.cancel();  // holding: its permit goes back through the guard
            co_await yield();
            co_await yield();
            c.cancel();  // b was handed the permit and runs; c is waiting
            co_await sleep(secs(1.0));
            co_await settled(a);
            co_await gather(b, d);
            CHECK(most == 1);
            CHECK(sem.value() == 1);
        }());
        CHECK(h.output() == Lines{"0.000 a a in", "0.500 b b in", "1.500 d d in"});
    }
    check_no_leaks();
}

TEST_CASE("semaphore: a waiter handed a permit but cancelled before running passes it on") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Semaphore sem(1);
        int holding = 0;
        int most = 0;
        auto a = spawn(hold_permit(&sem, "a", 1.0, &holding, &most), "a");
        auto b = spawn(hold_permit(&sem, "b", 1.0, &holding, &most), "b");
        auto c = spawn(hold_permit(&sem, "c", 1.0, &holding, &most), "c");
        co_await sleep(secs(1.0));  // a releases now: b is handed the permit, not yet run
        b.cancel();
        co_await gather(a, c);
        CHECK(b.cancelled());
        CHECK(sem.value() == 1);
    }());
    CHECK(h.output() == Lines{"0.000 a a in", "1.000 c c in"});
}

TEST_CASE("bounded semaphore refuses a release beyond its initial value") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        BoundedSemaphore sem(2);
        co_await sem.acquire();
        sem.release();
        CHECK_THROWS_AS(sem.release(), ValueError);
        Semaphore loose(1);
        loose.release();
        CHECK(loose.value() == 2);
    }());
}

TEST_CASE("a task waiting on an event nobody will set is a deadlock, reported") {
    Harness h;
    std::string message;
    try {
        h.loop.run([]() -> Task<void> {
            Event never;
            co_await never.wait();
        }());
    } catch (const Deadlock& e) {
        message = e.what();
    }
    CHECK(message == "deadlock: no task can make progress: main waits on event.wait");
}

TEST_CASE("semaphore: permits in use are a counter; a hand-off to a waiter keeps one in use") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Semaphore slots(2, "slots");
        auto holder = [](Semaphore* s) -> Task<void> {
            auto held = co_await s->hold();
            co_await sleep(secs(0.1));
        };
        std::vector<TaskHandle<void>> tasks;
        for (int i = 0; i < 3; ++i) tasks.push_back(spawn(holder(&slots)));
        for (auto& t : tasks) co_await t;
        Lock lock;  // a lock's one permit is no counter
        auto locked = co_await lock.hold();
    }());
    // Two take a permit at 0 (one sample: the instant's last value). At 0.1 s the first release
    // hands its permit to the third task (still 2 in use), the second frees one.
    CHECK(counter_lines(h.trace) == Lines{"0.000 slots permits.in_use 2",
                                          "0.100 slots permits.in_use 1",
                                          "0.200 slots permits.in_use 0"});
}

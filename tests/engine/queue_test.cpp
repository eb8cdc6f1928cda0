// Queue<T>: FIFO, backpressure, task_done/join, errors, move-only items, and the hard cases.
#include <memory>

#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

Task<void> consumer(Queue<int>* q, std::string name, double work) {
    for (;;) {
        int item = co_await q->get();
        if (item < 0) break;
        co_await sleep(secs(work));
        print("{} handled {}", name, item);
        q->task_done();
    }
    q->task_done();
}

Task<void> getter(Queue<int>* q, std::string name) {
    try {
        int item = co_await q->get();
        print("{} got {}", name, item);
    } catch (const Cancelled&) {
        print("{} cancelled", name);
        throw;
    }
}

}  // namespace

TEST_CASE("a bounded queue blocks the producer while full: backpressure, with exact times") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Queue<int> q(2);
            auto c = spawn(consumer(&q, "c", 0.1), "c");
            for (int i = 0; i < 5; ++i) {
                co_await q.put(i);
                print("put {} (size {})", i, q.qsize());
            }
            co_await q.put(-1);
            co_await q.join();
            print("all done");
            co_await c;
        }());
        CHECK(h.output() ==
              Lines{"0.000 main put 0 (size 1)", "0.000 main put 1 (size 2)",
                    "0.000 main put 2 (size 2)", "0.100 c c handled 0", "0.100 main put 3 (size 2)",
                    "0.200 c c handled 1", "0.200 main put 4 (size 2)", "0.300 c c handled 2",
                    "0.400 c c handled 3", "0.500 c c handled 4", "0.500 main all done"});
        const Lines suspensions = h.events({EventType::Suspended});
        CHECK(Lines(suspensions.begin(), suspensions.begin() + 4) ==
              Lines{"0.000 main suspended queue.put (full)", "0.000 c suspended sleep",
                    "0.000 main suspended queue.put (full)", "0.100 c suspended sleep"});
    }
    check_no_leaks();
}

TEST_CASE("put_nowait / get_nowait raise QueueFull / QueueEmpty; task_done too often is an error") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Queue<int> q(1);
        CHECK(q.empty());
        CHECK_THROWS_AS(q.get_nowait(), QueueEmpty);
        q.put_nowait(1);
        CHECK(q.full());
        CHECK_THROWS_AS(q.put_nowait(2), QueueFull);
        CHECK(q.get_nowait() == 1);
        q.task_done();
        CHECK_THROWS_AS(q.task_done(), ValueError);
        co_await q.join();  // nothing unfinished: no wait
        Queue<int> unbounded;
        for (int i = 0; i < 1000; ++i) unbounded.put_nowait(i);
        CHECK(unbounded.qsize() == 1000);
        CHECK_FALSE(unbounded.full());
    }());
}

TEST_CASE("move-only items go through") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Queue<std::unique_ptr<int>> q(1);
        auto reader = spawn(
            [](Queue<std::unique_ptr<int>>* queue) -> Task<int> {
                auto a = co_await queue->get();
                auto b = co_await queue->get();
                co_return *a + *b;
            }(&q),
            "reader");
        co_await q.put(std::make_unique<int>(20));
        co_await q.put(std::make_unique<int>(22));
        CHECK(co_await reader == 42);
    }());
}

TEST_CASE("getters are served in order; one cancelled while waiting leaves the line") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Queue<int> q;
        auto a = spawn(getter(&q, "a"), "a");
        auto b = spawn(getter(&q, "b"), "b");
        auto c = spawn(getter(&q, "c"), "c");
        co_await yield();
        b.cancel();
        co_await yield();
        q.put_nowait(1);
        q.put_nowait(2);
        co_await gather(a, c);
        CHECK(q.empty());
    }());
    CHECK(h.output() == Lines{"0.000 b b cancelled", "0.000 a a got 1", "0.000 c c got 2"});
}

TEST_CASE("a getter woken for an item but cancelled before running passes it on") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            Queue<int> q;
            auto a = spawn(getter(&q, "a"), "a");
            auto b = spawn(getter(&q, "b"), "b");
            co_await yield();
            q.put_nowait(7);  // wakes a, reserved for it
            CHECK(q.qsize() == 1);
            a.cancel();
            co_await gather(b);
            CHECK(a.cancelled());
            CHECK(q.empty());
        }());
        CHECK(h.output() == Lines{"0.000 a a cancelled", "0.000 b b got 7"});
    }
    check_no_leaks();
}

TEST_CASE("an item reserved for a woken getter cannot be taken by a newcomer") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Queue<int> q;
        auto a = spawn(getter(&q, "a"), "a");
        co_await yield();
        q.put_nowait(1);  // a is woken for it
        CHECK_THROWS_AS(q.get_nowait(), QueueEmpty);
        auto late = spawn(getter(&q, "late"), "late");
        co_await yield();
        q.put_nowait(2);
        co_await gather(a, late);
    }());
    CHECK(h.output() == Lines{"0.000 a a got 1", "0.000 late late got 2"});
}

TEST_CASE("a putter woken for a slot but cancelled before running passes the slot on") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Queue<int> q(1);
        q.put_nowait(0);
        auto p1 = spawn([](Queue<int>* queue) -> Task<void> { co_await queue->put(1); }(&q), "p1");
        auto p2 = spawn([](Queue<int>* queue) -> Task<void> { co_await queue->put(2); }(&q), "p2");
        co_await yield();
        CHECK(q.get_nowait() == 0);                   // frees the slot for p1
        CHECK_THROWS_AS(q.put_nowait(9), QueueFull);  // reserved for p1
        p1.cancel();
        co_await settled(p1);
        co_await p2;
        CHECK(q.qsize() == 1);
        CHECK(q.get_nowait() == 2);
        CHECK(q.unfinished_tasks() == 2);
    }());
}

TEST_CASE("join waits for task_done of every item put, then releases all joiners") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Queue<int> q;
        for (int i = 0; i < 3; ++i) q.put_nowait(i);
        auto w = spawn(consumer(&q, "w", 0.2), "w");
        auto j = spawn(
            [](Queue<int>* queue) -> Task<void> {
                co_await queue->join();
                print("joined");
            }(&q),
            "joiner");
        co_await q.join();
        print("main joined");
        co_await j;
        q.put_nowait(-1);
        co_await w;
    }());
    CHECK(h.output() == Lines{"0.200 w w handled 0", "0.400 w w handled 1", "0.600 w w handled 2",
                              "0.600 main main joined", "0.600 joiner joined"});
}

TEST_CASE("a traced queue records its depth as a counter, the last value of each instant") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        Queue<int> q(2);
        auto c = spawn(consumer(&q, "c", 0.1), "c");
        for (int i = 0; i < 5; ++i) co_await q.put(i);
        co_await q.put(-1);
        co_await q.join();
        co_await c;
    }());
    // At 0 the queue fills (c takes item 0, main puts item 2); each later instant c takes one and
    // main, let in, puts the next; from 0.4 s nothing more comes.
    CHECK(counter_lines(h.trace) == Lines{"0.000 queue queue.depth 2", "0.100 queue queue.depth 2",
                                          "0.200 queue queue.depth 2", "0.300 queue queue.depth 2",
                                          "0.400 queue queue.depth 1",
                                          "0.500 queue queue.depth 0"});
    // Untraced, nothing is recorded and nothing fails.
    Loop untraced(LoopOptions{.clock = ClockMode::Virtual});
    untraced.run([]() -> Task<void> {
        Queue<int> q;
        co_await q.put(1);
        CHECK(co_await q.get() == 1);
    }());
}

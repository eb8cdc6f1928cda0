// Loop::set_interrupt_flag: a flag set from outside (a signal handler) stops the loop at its next
// chance — between two callbacks of a busy turn, or within interrupt_check_ms of a wait.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "harness.hpp"

using namespace asynclab;

namespace {

std::atomic<bool> flag{false};

// Holds the thread, then raises the flag as a signal handler would while it blocked.
Task<void> blocker(std::vector<int>* ran, int i) {
    ran->push_back(i);
    if (i == 0) flag.store(true);
    co_return;
}

Task<void> nap(Duration d) {
    co_await sleep(d);
}

Task<void> spawn_blockers(std::vector<int>* ran) {
    std::vector<TaskHandle<void>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(spawn(blocker(ran, i)));
    co_await gather(tasks);
}

}  // namespace

TEST_CASE("a flag raised during a busy turn stops the callbacks still to come in it") {
    flag = false;
    Loop loop({.clock = ClockMode::Virtual});
    loop.set_interrupt_flag(&flag);
    std::vector<int> ran;
    CHECK_THROWS_AS(loop.run(spawn_blockers(&ran)), Cancelled);
    CHECK(loop.interrupted());
    CHECK(ran == std::vector<int>{0});  // 1 and 2 were ready in the same turn: never started
}

TEST_CASE("a flag raised while the real-clock loop waits is seen without waiting for the timer") {
    flag = false;
    Loop loop({.clock = ClockMode::Real});
    loop.set_interrupt_flag(&flag);
    std::thread raiser([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        flag.store(true);
    });
    CHECK_THROWS_AS(loop.run(nap(secs(60))), Cancelled);
    raiser.join();
    CHECK(loop.interrupted());
    CHECK(loop.now() < secs(60));  // woken to look, not by the 60 s timer
}

TEST_CASE("a flag never raised changes nothing") {
    flag = false;
    const std::atomic<bool> never{false};
    Loop loop({.clock = ClockMode::Virtual});
    loop.set_interrupt_flag(&never);
    std::vector<int> ran;
    loop.run(spawn_blockers(&ran));  // blocker 0 raises `flag`, which this loop does not watch
    CHECK(ran == std::vector<int>{0, 1, 2});
    CHECK_FALSE(loop.interrupted());
}

// The thread-pool bridge: run_in_executor on libuv's pool (results, exceptions, cancellation
// before and after a job starts, load, teardown, fairness), run_blocking on the simulated pool of
// the virtual clock (exact times and orders), and block_loop. Built as its own binary so that the
// ThreadSanitizer build runs it.
//
// Nothing here depends on wall-clock margins: "a job has started" is a latch the job counts down,
// "a job is still queued" is a pool whose every thread is held by a latch.
#include <atomic>
#include <latch>
#include <memory>
#include <numeric>
#include <thread>

#include "harness.hpp"

namespace doctest {
/// Failed comparisons of lines show the lines.
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& lines) {
        return fmt::format("\n  {}\n", fmt::join(lines, "\n  ")).c_str();
    }
};
}  // namespace doctest

using namespace asynclab;
using namespace asynclab::testing;

namespace {

/// Lets tasks spawned just now reach their run_in_executor, and the pool have the jobs: a job
/// goes to libuv at the end of the turn it was awaited in. Only then may a test hold the loop
/// thread and expect the jobs to run meanwhile.
Task<void> jobs_with_the_pool() {
    co_await yield();  // the spawned tasks run and await their jobs; this turn's end submits them
    co_await yield();
}

Task<void> blocking_job(Duration d) {
    co_await run_blocking(d);
    print("done");
}

/// Spawns `n` tasks j0..j<n-1>, each with `d` of blocking work on the pool, and waits for them.
Task<void> pool_jobs(int n, Duration d) {
    std::vector<TaskHandle<void>> jobs;
    for (int i = 0; i < n; ++i) jobs.push_back(spawn(blocking_job(d), fmt::format("j{}", i)));
    co_await gather(std::move(jobs));
}

/// A real-pool job that says when it has started and then holds its thread until `gate` opens.
Task<int> held_job(std::latch* started, std::latch* gate, std::atomic<bool>* finished) {
    co_return co_await run_in_executor([started, gate, finished] {
        started->count_down();
        gate->wait();
        finished->store(true);
        return 1;
    });
}

Duration makespan(unsigned pool_size, bool on_loop_thread) {
    Trace trace;
    Loop loop({.clock = ClockMode::Virtual, .trace = &trace, .pool_size = pool_size});
    loop.run([](bool on_loop) -> Task<void> {
        if (on_loop) {
            for (int i = 0; i < 5; ++i) block_loop(secs(0.05));
        } else {
            co_await pool_jobs(5, secs(0.05));
        }
    }(on_loop_thread));
    return loop.now();
}

}  // namespace

// First, so that it runs before anything starts the pool: every later test sees 3 threads.
TEST_CASE("the thread pool is sized before its first use, and only then") {
    CHECK_THROWS_AS(configure_thread_pool(0), ValueError);
    CHECK_THROWS_AS(configure_thread_pool(1025), ValueError);
    if (configure_thread_pool(3)) {  // false only when run out of order, after the pool started
        CHECK(thread_pool_size() == 3);
    }
    Loop loop({.clock = ClockMode::Virtual});
    loop.run([]() -> Task<void> { co_await run_in_executor([] {}); }());
    const unsigned size = thread_pool_size();
    CHECK(configure_thread_pool(size));
    CHECK_FALSE(configure_thread_pool(size + 1));
    CHECK(thread_pool_size() == size);
}

// --- the simulated pool (virtual clock) -------------------------------------------------------

TEST_CASE("lesson 5's figures: 5 jobs of 0.05 s on the loop, on a pool of 4, on a pool of 1") {
    CHECK(makespan(4, true) == secs(0.25));
    CHECK(makespan(4, false) == secs(0.10));
    CHECK(makespan(1, false) == secs(0.25));
}

TEST_CASE("a simulated pool of 4 runs four jobs at once and starts the fifth when one ends") {
    Harness h(ClockMode::Virtual, {.pool_size = 4});
    h.loop.run(pool_jobs(5, secs(0.05)));
    CHECK(h.log(channel::pool) ==
          Lines{"0.000 j0 job 1 queued", "0.000 j0 job 1 started on a pool thread",
                "0.000 j1 job 2 queued", "0.000 j1 job 2 started on a pool thread",
                "0.000 j2 job 3 queued", "0.000 j2 job 3 started on a pool thread",
                "0.000 j3 job 4 queued", "0.000 j3 job 4 started on a pool thread",
                "0.000 j4 job 5 queued", "0.050 j0 job 1 done",
                "0.050 j4 job 5 started on a pool thread", "0.050 j1 job 2 done",
                "0.050 j2 job 3 done", "0.050 j3 job 4 done", "0.100 j4 job 5 done"});
    CHECK(h.output() == Lines{"0.050 j0 done", "0.050 j1 done", "0.050 j2 done", "0.050 j3 done",
                              "0.100 j4 done"});
    // Each wait is typed: queued for a thread, then running on one (j4 only once j0's ends).
    const std::string queued = "suspended pool (queued for a thread)";
    const std::string running = "suspended pool (running on a pool thread)";
    CHECK(h.events({EventType::Suspended}) ==
          Lines{"0.000 main suspended gather", "0.000 j0 " + queued, "0.000 j0 " + running,
                "0.000 j1 " + queued, "0.000 j1 " + running, "0.000 j2 " + queued,
                "0.000 j2 " + running, "0.000 j3 " + queued, "0.000 j3 " + running,
                "0.000 j4 " + queued, "0.050 j4 " + running});
}

TEST_CASE("a simulated pool of 1 runs its jobs one after another") {
    Harness h(ClockMode::Virtual, {.pool_size = 1});
    h.loop.run(pool_jobs(3, secs(0.05)));
    CHECK(h.log(channel::pool) ==
          Lines{"0.000 j0 job 1 queued", "0.000 j0 job 1 started on a pool thread",
                "0.000 j1 job 2 queued", "0.000 j2 job 3 queued", "0.050 j0 job 1 done",
                "0.050 j1 job 2 started on a pool thread", "0.100 j1 job 2 done",
                "0.100 j2 job 3 started on a pool thread", "0.150 j2 job 3 done"});
    CHECK(h.output() == Lines{"0.050 j0 done", "0.100 j1 done", "0.150 j2 done"});
}

TEST_CASE("simulated work returns fn's result at its end, run on the loop thread, or its error") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        const auto loop_thread = std::this_thread::get_id();
        const int v = co_await run_blocking(secs(0.05), [loop_thread] {
            CHECK(std::this_thread::get_id() == loop_thread);
            CHECK(Loop::current().now() == secs(0.05));
            return 42;
        });
        CHECK(v == 42);
        auto p = co_await run_blocking(secs(0.01), [] { return std::make_unique<int>(7); });
        CHECK(*p == 7);
        CHECK_THROWS_WITH_AS(co_await run_blocking(secs(0.02), [] { throw ValueError("bad"); }),
                             "bad", ValueError);
        CHECK(Loop::current().now() == secs(0.08));
    }());
}

TEST_CASE("a simulated job cancelled before it starts leaves the queue and never runs") {
    Harness h(ClockMode::Virtual, {.pool_size = 1});
    int ran = 0;
    h.loop.run([](int* count) -> Task<void> {
        auto a = spawn(blocking_job(secs(0.05)), "a");
        auto b = spawn(
            [](int* c) -> Task<void> { co_await run_blocking(secs(0.05), [c] { ++*c; }); }(count),
            "b");
        co_await sleep(secs(0.01));
        b.cancel();
        auto c = spawn(blocking_job(secs(0.05)), "c");
        co_await settled(b);
        CHECK(b.cancelled());
        co_await a;
        co_await c;
    }(&ran));
    CHECK(ran == 0);
    CHECK(h.log(channel::pool) ==
          Lines{"0.000 a job 1 queued", "0.000 a job 1 started on a pool thread",
                "0.000 b job 2 queued",
                "0.010 b job 2 cancelled before it started: removed from the queue",
                "0.010 c job 3 queued", "0.050 a job 1 done",
                "0.050 c job 3 started on a pool thread", "0.100 c job 3 done"});
    CHECK(h.events({EventType::Cancelled, EventType::Completed}) ==
          Lines{"0.010 b cancelled", "0.050 a completed", "0.100 c completed",
                "0.100 main completed"});
}

TEST_CASE("a simulated job cancelled after it starts keeps its thread busy until its end") {
    Harness h(ClockMode::Virtual, {.pool_size = 1});
    int ran = 0;
    h.loop.run([](int* count) -> Task<void> {
        auto a = spawn(
            [](int* c) -> Task<void> { co_await run_blocking(secs(0.05), [c] { ++*c; }); }(count),
            "a");
        co_await sleep(secs(0.01));
        a.cancel();
        co_await settled(a);
        CHECK(a.cancelled());
        co_await spawn(blocking_job(secs(0.05)), "b");
    }(&ran));
    CHECK(ran == 1);  // the thread ran it to its end; only the result was dropped
    CHECK(h.log(channel::pool) ==
          Lines{"0.000 a job 1 queued", "0.000 a job 1 started on a pool thread",
                "0.010 a job 1 cannot be interrupted: it runs to its end, its result discarded",
                "0.010 b job 2 queued", "0.050 a job 1 done, result discarded",
                "0.050 b job 2 started on a pool thread", "0.100 b job 2 done"});
    CHECK(h.events({EventType::Cancelled, EventType::Completed}) ==
          Lines{"0.010 a cancelled", "0.100 b completed", "0.100 main completed"});
}

TEST_CASE("a loop that goes while a simulated job runs for a cancelled task frees it") {
    {
        Harness h(ClockMode::Virtual, {.pool_size = 1});
        h.loop.run([]() -> Task<void> {
            spawn(blocking_job(secs(10.0)), "orphan");
            co_await sleep(secs(0.01));
        }());
        CHECK(h.log(channel::pool).back() ==
              "0.010 orphan job 1 cannot be interrupted: it runs to its end, its result discarded");
    }
    check_no_leaks();
}

// --- block_loop -------------------------------------------------------------------------------

TEST_CASE("block_loop moves virtual time on inside the running task, and timers fire late") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto ticker = spawn(
            []() -> Task<void> {
                co_await sleep(secs(0.01));
                print("tick");
            }(),
            "ticker");
        co_await yield();
        print("before");
        block_loop(secs(0.05));
        print("after");
        co_await ticker;
    }());
    CHECK(h.output() == Lines{"0.000 main before", "0.050 main after", "0.050 ticker tick"});
}

TEST_CASE("a ticker keeps its beat while the pool works, not while the loop thread blocks") {
    auto longest_gap = [](bool on_loop_thread) {
        Trace trace;
        Loop loop({.clock = ClockMode::Virtual, .trace = &trace, .pool_size = 4});
        return loop.run([](bool on_loop) -> Task<Duration> {
            Duration last{}, gap{};
            auto ticker = spawn(
                [](Duration* last_tick, Duration* longest) -> Task<void> {
                    for (;;) {
                        co_await sleep(secs(0.01));
                        const Duration now = Loop::current().now();
                        *longest = std::max(*longest, now - *last_tick);
                        *last_tick = now;
                    }
                }(&last, &gap),
                "ticker");
            co_await yield();  // the ticker starts its beat
            if (on_loop) {
                for (int i = 0; i < 5; ++i) block_loop(secs(0.05));
            } else {
                co_await pool_jobs(5, secs(0.05));
            }
            co_await sleep(secs(0.01));
            ticker.cancel();
            co_return gap;
        }(on_loop_thread));
    };
    CHECK(longest_gap(true) == secs(0.25));
    CHECK(longest_gap(false) == secs(0.01));
}

TEST_CASE("block_loop on the real clock blocks the thread for d / speed") {
    Harness h(ClockMode::Real, {.speed = 10.0});
    h.loop.run([]() -> Task<void> {
        block_loop(secs(0.05));
        CHECK(Loop::current().now() >= secs(0.05));
        co_return;
    }());
}

// --- libuv's pool -----------------------------------------------------------------------------

TEST_CASE("run_in_executor brings back results of any kind, and exceptions, from a pool thread") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        const int sum = co_await run_in_executor([](int a, int b) { return a + b; }, 2, 3);
        CHECK(sum == 5);
        auto arg = std::make_unique<int>(41);
        auto p = co_await run_in_executor(
            [](std::unique_ptr<int> x) {
                ++*x;
                return x;
            },
            std::move(arg));
        CHECK(*p == 42);
        co_await run_in_executor([] {});
        const auto id = co_await run_in_executor([] { return std::this_thread::get_id(); });
        CHECK(id != std::this_thread::get_id());
        CHECK_THROWS_WITH_AS(co_await run_in_executor([] { throw ValueError("bad input"); }),
                             "bad input", ValueError);
    }());
    CHECK(h.log(channel::pool) ==
          Lines{"0.000 main job 1 queued", "0.000 main job 1 started on a pool thread",
                "0.000 main job 1 done", "0.000 main job 2 queued",
                "0.000 main job 2 started on a pool thread", "0.000 main job 2 done",
                "0.000 main job 3 queued", "0.000 main job 3 started on a pool thread",
                "0.000 main job 3 done", "0.000 main job 4 queued",
                "0.000 main job 4 started on a pool thread", "0.000 main job 4 done",
                "0.000 main job 5 queued", "0.000 main job 5 started on a pool thread",
                "0.000 main job 5 done"});
    CHECK(h.events({EventType::Suspended}).front() ==
          "0.000 main suspended pool (queued for a thread)");
}

TEST_CASE("run_blocking on the real clock blocks a pool thread for d / speed, then runs fn") {
    Harness h(ClockMode::Real, {.speed = 10.0});
    h.loop.run([]() -> Task<void> {
        const auto id =
            co_await run_blocking(secs(0.05), [] { return std::this_thread::get_id(); });
        CHECK(id != std::this_thread::get_id());
        CHECK(Loop::current().now() >= secs(0.05));
    }());
    const Lines log = h.log(channel::pool);
    REQUIRE(log.size() == 3);
    CHECK(log[0].ends_with("main job 1 queued"));
    CHECK(log[2].ends_with("main job 1 done"));
}

TEST_CASE("block_loop first hands the turn's jobs to the pool, so they run while it blocks") {
    // Jobs otherwise reach libuv at the end of the turn. The job's task awaits it in this very
    // turn; without the hand-over the job could not start before this task yields, and the wait
    // below would run out (its 10 s are a bound on a broken engine, never reached by a good one).
    std::atomic<bool> ran{false};
    Loop loop({.clock = ClockMode::Real});
    loop.run([](std::atomic<bool>* r) -> Task<void> {
        auto job = spawn(
            [](std::atomic<bool>* flag) -> Task<void> {
                co_await run_in_executor([flag] { flag->store(true); });
            }(r),
            "job");
        co_await yield();  // the job's task runs first in the next turn and awaits its job
        block_loop(std::chrono::milliseconds(1));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!r->load() && std::chrono::steady_clock::now() < deadline) {
        }
        CHECK(r->load());
        co_await job;
    }(&ran));
}

TEST_CASE("a job cancelled while every pool thread is busy is removed and never runs") {
    const unsigned threads = thread_pool_size();
    std::latch all_busy{threads};
    std::latch gate{1};
    std::atomic<bool> blocker_done{false};
    std::atomic<bool> ran{false};
    Harness h;
    h.loop.run([](unsigned n, std::latch* busy, std::latch* open, std::atomic<bool>* done,
                  std::atomic<bool>* queued_ran) -> Task<void> {
        std::vector<TaskHandle<int>> blockers;
        for (unsigned i = 0; i < n; ++i) blockers.push_back(spawn(held_job(busy, open, done)));
        auto queued = spawn(
            [](std::atomic<bool>* r) -> Task<void> {
                co_await run_in_executor([r] { r->store(true); });
            }(queued_ran),
            "queued");
        co_await jobs_with_the_pool();  // the blockers' first, then the last
        busy->wait();  // every thread is held, so the last job is still in libuv's queue
        queued.cancel();
        co_await settled(queued);
        CHECK(queued.cancelled());
        open->count_down();
        co_await gather(std::move(blockers));
    }(threads, &all_busy, &gate, &blocker_done, &ran));
    CHECK_FALSE(ran.load());
    const auto last = fmt::format("job {} ", threads + 1);
    Lines queued_job;
    for (const auto& line : h.log(channel::pool)) {
        if (line.find(last) != std::string::npos) queued_job.push_back(line);
    }
    CHECK(queued_job ==
          Lines{"0.000 queued " + last + "queued",
                "0.000 queued " + last + "cancelled before it started: removed from the queue"});
}

TEST_CASE("a job cancelled after it starts runs to its end; the task sees Cancelled at once") {
    std::latch started{1};
    std::latch gate{1};
    std::atomic<bool> finished{false};
    Trace trace;
    {
        Loop loop({.clock = ClockMode::Virtual, .trace = &trace});
        loop.run([](std::latch* s, std::latch* g, std::atomic<bool>* f) -> Task<void> {
            auto job = spawn(held_job(s, g, f), "job");
            co_await jobs_with_the_pool();
            s->wait();  // the job runs on a pool thread now
            job.cancel();
            co_await settled(job);
            CHECK(job.cancelled());
            CHECK_FALSE(f->load());  // still held on its thread
            g->count_down();
        }(&started, &gate, &finished));
    }
    CHECK(finished.load());
    CHECK(log_lines(trace, channel::pool) ==
          Lines{"0.000 job job 1 queued",
                "0.000 job job 1 cannot be interrupted: it runs to its end, its result discarded",
                "0.000 job job 1 started on a pool thread",
                "0.000 job job 1 done, result discarded"});
    check_no_leaks();
}

TEST_CASE("a loop torn down while a job still runs waits for it and leaves nothing behind") {
    std::latch started{1};
    std::latch gate{1};
    std::atomic<bool> finished{false};
    Trace trace;
    {
        Loop loop({.clock = ClockMode::Virtual, .trace = &trace});
        loop.run([](std::latch* s, std::latch* g, std::atomic<bool>* f) -> Task<void> {
            spawn(held_job(s, g, f), "job");
            co_await jobs_with_the_pool();
            s->wait();
        }(&started, &gate, &finished));
        // run() cancelled the job's task on its way out; the job holds its thread until the gate
        // opens, and its completion can only be delivered on this thread, by the loop.
        CHECK_FALSE(finished.load());
        std::jthread opener([&gate] { gate.count_down(); });
    }
    CHECK(finished.load());
    CHECK(log_lines(trace, channel::pool).back() == "0.000 job job 1 done, result discarded");
    check_no_leaks();
}

TEST_CASE("10,000 jobs in flight at once all come back") {
    {
        Loop loop({.clock = ClockMode::Virtual});
        const long sum = loop.run([]() -> Task<long> {
            std::vector<TaskHandle<long>> jobs;
            for (long i = 0; i < 10'000; ++i) {
                jobs.push_back(spawn([](long n) -> Task<long> {
                    co_return co_await run_in_executor([](long x) { return x * x; }, n);
                }(i)));
            }
            const std::vector<long> squares = co_await gather(std::move(jobs));
            co_return std::accumulate(squares.begin(), squares.end(), 0L);
        }());
        CHECK(sum == 9'999L * 10'000L * 19'999L / 6);
    }
    check_no_leaks();
}

TEST_CASE("a yield loop starves neither a due timer nor a finished pool job") {
    // Both are made due before the yield loop begins (the loop thread waits for them), so the
    // assertion is about the loop's fairness, not about how fast anything runs.
    Loop loop({.clock = ClockMode::Real});
    constexpr long steps = 1'000'000;
    long step = 0;
    long timer_seen = -1;
    long job_seen = -1;
    std::atomic<bool> worker_done{false};
    loop.run([](long* at, long* timer, long* job, std::atomic<bool>* done) -> Task<void> {
        auto t = spawn(
            [](long* a, long* seen) -> Task<void> {
                co_await sleep(std::chrono::milliseconds(1));
                *seen = *a;
            }(at, timer),
            "timer");
        auto j = spawn(
            [](long* a, long* seen, std::atomic<bool>* d) -> Task<void> {
                co_await run_in_executor([d] { d->store(true); });
                *seen = *a;
            }(at, job, done),
            "job");
        co_await jobs_with_the_pool();  // both are waiting now
        Loop& l = Loop::current();
        while (!done->load() || l.now() < std::chrono::milliseconds(1)) {
        }
        for (*at = 0; *at < steps; ++*at) co_await yield();
        co_await t;
        co_await j;
    }(&step, &timer_seen, &job_seen, &worker_done));
    CHECK(timer_seen >= 0);
    CHECK(timer_seen < steps);
    CHECK(job_seen >= 0);
    CHECK(job_seen < steps);
}

// The two tests below bound promptness in loop turns, not in wall-clock time, so they hold on a
// slow or loaded machine: between busy turns the loop reads the clock whenever a timer is pending
// and polls libuv as soon as a pool job has finished, so either reaches its task within a few
// turns — where polling every millisecond, as the loop once did, let thousands of yields pass.

namespace {
constexpr Duration timer_delay = std::chrono::milliseconds(1);
}  // namespace

TEST_CASE("a 1 ms timer that falls due during a 10^6-step yield loop fires within a few turns") {
    Loop loop({.clock = ClockMode::Real});
    constexpr long steps = 1'000'000;
    long step = 0;
    long due_at = -1;                     // the first step that saw loop time past the deadline
    long fired_at = -1;                   // the step during which the timer's task ran
    Duration deadline = Duration::max();  // set by the timer task when it starts sleeping
    Duration late{};
    loop.run([](long* at, long* due, long* fired, Duration* dl, Duration* lateness) -> Task<void> {
        auto timer = spawn(
            [](long* a, long* f, Duration* d, Duration* l) -> Task<void> {
                *d = Loop::current().now() + timer_delay;
                co_await sleep(timer_delay);
                *f = *a;
                *l = Loop::current().now() - *d;
            }(at, fired, dl, lateness),
            "timer");
        Loop& l = Loop::current();
        // The timer task read the clock just before sleep read it again, so its deadline can be
        // a hair later than *dl; the first clock reading here after it started bounds it above.
        Duration surely_due = Duration::max();
        for (*at = 0; *at < steps; ++*at) {
            const Duration t = l.now();
            if (surely_due == Duration::max() && *dl != Duration::max())
                surely_due = t + timer_delay;
            if (*due < 0 && t >= surely_due) *due = *at;
            co_await yield();
        }
        co_await timer;
    }(&step, &due_at, &fired_at, &deadline, &late));
    INFO("the timer fired ", to_secs(late) * 1e3, " ms after its deadline");
    REQUIRE(due_at >= 0);
    REQUIRE(fired_at >= 0);
    // Its deadline passes during turn due_at at the latest; the next turn moves it to the ready
    // queue, the one after runs its task.
    CHECK(fired_at - due_at <= 3);
}

TEST_CASE(
    "a pool job that finishes during a 10^6-step yield loop is picked up within a few turns") {
    Loop loop({.clock = ClockMode::Real});
    constexpr long steps = 1'000'000;
    long step = 0;
    long seen_at = -1;  // the step during which the job's task ran
    std::atomic<bool> worker_done{false};
    loop.run([](long* at, long* seen, std::atomic<bool>* done) -> Task<void> {
        auto job = spawn(
            [](long* a, long* s, std::atomic<bool>* d) -> Task<void> {
                co_await run_in_executor([d] { d->store(true); });
                *s = *a;
            }(at, seen, done),
            "job");
        co_await jobs_with_the_pool();
        // Let the pool thread finish and hand its completion to libuv while the loop thread is
        // busy, so that the yield loop starts with it waiting (20 ms: a margin for the pool
        // thread to be scheduled, not for the engine).
        while (!done->load()) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (*at = 0; *at < steps; ++*at) co_await yield();
        co_await job;
    }(&step, &seen_at, &worker_done));
    REQUIRE(seen_at >= 0);
    // The first turn polls libuv and queues the task; the next one runs it.
    CHECK(seen_at <= 3);
}

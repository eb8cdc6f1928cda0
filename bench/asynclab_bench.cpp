// asynclab-bench: the six anchor workloads (../shared/bench/anchors/README.md) written on the
// engine's public API, the way a user of the engine would write them, so that the engine can be
// measured next to raw libuv, Boost.Asio, Node and asyncio on the same machine.
//
//   asynclab-bench WORKLOAD [N] [--trace]
//
// floor, not an anchor workload, measures what spawn's memory costs on its own (see w_floor).
//
// Prints the anchors' one JSON line (runtime, workload, n, seconds, cpu_seconds, checksum) and
// exits 1 when the checksum is wrong. "seconds" and "cpu_seconds" cover the workload coroutine
// only, measured inside the running loop exactly as the Asio and asyncio anchors do: loop creation
// and teardown are outside, everything the workload makes (tasks, queues, pool jobs) is inside.
// spawn and sleep also report bytes_per_task: the most the engine's coroutine frames and task
// records occupied at once during the workload (its allocation counters, detail/frame_alloc.hpp),
// divided by N. --trace runs the same workload with a Trace recording every state change.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asynclab/engine.hpp"

using namespace asynclab;

namespace {

// --- spawn and sleep: N tasks, awaited together -------------------------------------------------

/// Spawns task(0) ... task(n - 1), gathers them and sums their results.
Task<long> spawn_gather_sum(long n, Task<long> (*task)(long)) {
    std::vector<TaskHandle<long>> tasks;
    tasks.reserve(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i) tasks.push_back(spawn(task(i)));
    const std::vector<long> results = co_await gather(std::move(tasks));
    co_return std::accumulate(results.begin(), results.end(), 0L);
}

/// spawn: task i returns i at once.
Task<long> identity(long i) {
    co_return i;
}

Task<long> w_spawn(long n) {
    return spawn_gather_sum(n, &identity);
}

/// sleep: task i sleeps (i * 7919) mod 100 ms.
Task<long> sleeper(long i) {
    co_await sleep(std::chrono::milliseconds((i * 7919) % 100));
    co_return 1;
}

Task<long> w_sleep(long n) {
    return spawn_gather_sum(n, &sleeper);
}

// --- queue: one producer, four consumers, a bounded queue of 64 ------------------------------

constexpr int consumers = 4;
constexpr long sentinel = -1;

// Pointers, not references: a Task may start after the call that made it (engine/README.md).
Task<void> producer(Queue<long>* q, long n) {
    for (long i = 0; i < n; ++i) co_await q->put(i);
    for (int c = 0; c < consumers; ++c) co_await q->put(sentinel);
}

Task<void> consumer(Queue<long>* q, long* total) {
    for (;;) {
        const long item = co_await q->get();
        if (item == sentinel) co_return;
        *total += item;
    }
}

Task<long> w_queue(long n) {
    Queue<long> q(64);
    long total = 0;
    co_await gather(producer(&q, n), consumer(&q, &total), consumer(&q, &total),
                    consumer(&q, &total), consumer(&q, &total));
    co_return total;
}

// --- semaphore: N tasks each acquire one of 8 permits, yield once, release -----------------------

Task<long> permit_holder(Semaphore* sem) {
    auto permit = co_await sem->hold();
    co_await yield();
    co_return 1;
}

Task<long> w_semaphore(long n) {
    Semaphore sem(8);
    std::vector<TaskHandle<long>> tasks;
    tasks.reserve(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i) tasks.push_back(spawn(permit_holder(&sem)));
    const std::vector<long> results = co_await gather(std::move(tasks));
    co_return std::accumulate(results.begin(), results.end(), 0L);
}

// --- yield: one task yields to the loop N times --------------------------------------------------

Task<long> w_yield(long n) {
    long count = 0;
    for (long i = 0; i < n; ++i) {
        co_await yield();
        ++count;
    }
    co_return count;
}

// --- executor: f(i) = 2i on the thread pool, in batches of 1000 awaited together -----------------

long twice(long i) {
    return 2 * i;
}

// run_in_executor is awaited by a task; awaiting 1000 at once takes 1000 tasks and a gather (as
// asyncio gathers 1000 futures).
Task<long> offload(long i) {
    co_return co_await run_in_executor(&twice, i);
}

Task<long> w_executor(long n) {
    constexpr long batch = 1000;
    long total = 0;
    for (long start = 0; start < n; start += batch) {
        const long end = std::min(start + batch, n);
        std::vector<TaskHandle<long>> jobs;
        jobs.reserve(static_cast<std::size_t>(end - start));
        for (long i = start; i < end; ++i) jobs.push_back(spawn(offload(i)));
        const std::vector<long> results = co_await gather(std::move(jobs));
        total = std::accumulate(results.begin(), results.end(), total);
    }
    co_return total;
}

// --- floor: spawn's memory, and nothing else ---------------------------------------------------

/// Not an anchor workload: takes from the engine's allocator the frame and the record of n spawned
/// tasks (the sizes spawn reports in bytes_per_task), writes to each and frees them all, running
/// nothing. That is the fresh memory a spawn run must fault in and the allocator calls it makes,
/// alone — the part of spawn no scheduling work can remove (bench/compare sets it beside spawn).
Task<long> w_floor(long n) {
    constexpr std::size_t frame_bytes =
        64;  // identity's frame: spawn's bytes_per_task less the record
    constexpr std::size_t record_bytes = sizeof(detail::TaskState<long>);
    std::vector<void*> blocks;  // what spawn's vectors of handles and results hold, 16 B a task
    blocks.reserve(2 * static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i) {
        auto* frame = static_cast<long*>(detail::allocate_frame(frame_bytes));
        auto* record = static_cast<long*>(detail::allocate_record(record_bytes));
        *frame = i;
        *record = i;
        blocks.push_back(frame);
        blocks.push_back(record);
    }
    long sum = 0;
    for (std::size_t i = 0; i < blocks.size(); i += 2) {
        sum += *static_cast<long*>(blocks[i + 1]);
        detail::free_frame(blocks[i], frame_bytes);
        detail::free_record(blocks[i + 1], record_bytes);
    }
    co_return sum;
}

// --- the driver ------------------------------------------------------------------------------

struct Workload {
    std::string_view name;
    Task<long> (*run)(long);
    long default_n;
    bool per_task_bytes;  // report bytes_per_task (all N tasks are alive at once)
};

constexpr Workload workloads[] = {
    {"spawn", w_spawn, 1'000'000, true},  {"sleep", w_sleep, 100'000, true},
    {"queue", w_queue, 1'000'000, false}, {"semaphore", w_semaphore, 100'000, false},
    {"yield", w_yield, 1'000'000, false}, {"executor", w_executor, 100'000, false},
    {"floor", w_floor, 1'000'000, false},
};

long expected(std::string_view workload, long n) {
    if (workload == "spawn" || workload == "queue" || workload == "floor") return n * (n - 1) / 2;
    if (workload == "executor") return n * (n - 1);
    return n;
}

double cpu_now() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct Measured {
    long checksum = 0;
    double seconds = 0;
    double cpu_seconds = 0;
    std::int64_t peak_bytes = 0;  // frames + records at the busiest moment, beyond the baseline
};

Task<void> measured(const Workload* w, long n, Measured* m) {
    auto& stats = detail::allocation_stats();
    const std::int64_t baseline = stats.frame_bytes + stats.record_bytes;
    stats.reset_peak();
    const double c0 = cpu_now();
    const auto t0 = std::chrono::steady_clock::now();
    m->checksum = co_await w->run(n);
    const auto t1 = std::chrono::steady_clock::now();
    m->cpu_seconds = cpu_now() - c0;
    m->seconds = std::chrono::duration<double>(t1 - t0).count();
    m->peak_bytes = stats.peak_bytes - baseline;
}

int usage() {
    std::fputs(
        "usage: asynclab-bench {spawn|sleep|queue|semaphore|yield|executor|floor} [N] [--trace]\n",
        stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    const Workload* workload = nullptr;
    std::optional<long> n;
    bool tracing = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--trace") {
            tracing = true;
        } else if (arg == "-h" || arg == "--help") {
            usage();
            return 0;
        } else if (workload == nullptr) {
            for (const Workload& w : workloads) {
                if (w.name == arg) workload = &w;
            }
            if (workload == nullptr) {
                std::fprintf(stderr, "asynclab-bench: unknown workload '%s'\n", argv[i]);
                return usage();
            }
        } else if (!n) {
            char* end = nullptr;
            const long value = std::strtol(argv[i], &end, 10);
            if (end == argv[i] || *end != '\0' || value < 0) {
                std::fprintf(stderr, "asynclab-bench: N must be a whole number >= 0, not '%s'\n",
                             argv[i]);
                return usage();
            }
            n = value;
        } else {
            return usage();
        }
    }
    if (workload == nullptr) return usage();
    const long count = n.value_or(workload->default_n);

    Measured m;
    Trace trace;
    try {
        Loop loop({.clock = ClockMode::Real, .trace = tracing ? &trace : nullptr});
        loop.run(measured(workload, count, &m));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "asynclab-bench: %s failed: %s\n", workload->name.data(), e.what());
        return 1;
    }

    std::string extra;
    if (workload->per_task_bytes && count > 0) {
        extra += ", \"bytes_per_task\": " +
                 std::to_string(static_cast<double>(m.peak_bytes) / static_cast<double>(count));
    }
    if (tracing) extra += ", \"trace_events\": " + std::to_string(trace.events().size());
    std::printf(
        "{\"runtime\": \"asynclab\", \"workload\": \"%s\", \"n\": %ld, \"seconds\": %.6f, "
        "\"cpu_seconds\": %.6f, \"checksum\": %ld%s%s}\n",
        workload->name.data(), count, m.seconds, m.cpu_seconds, m.checksum,
        tracing ? ", \"trace\": true" : "", extra.c_str());
    std::fflush(stdout);

    const long want = expected(workload->name, count);
    if (m.checksum != want) {
        std::fprintf(stderr, "asynclab-bench: checksum mismatch: got %ld, want %ld\n", m.checksum,
                     want);
        return 1;
    }
    return 0;
}

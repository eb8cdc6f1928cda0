#pragma once
// The thread-pool bridge (asyncio: loop.run_in_executor), and the two helpers lesson 5 teaches
// blocking with.
//
//   int n = co_await run_in_executor(count_words, text);  // count_words(text) on a pool thread
//   co_await run_blocking(secs(0.05));                     // work that blocks a thread for 0.05 s
//   block_loop(secs(0.05));                                // blocks the loop thread: the damage
//
// The callable and its arguments are moved into a job on the heap, never referenced: the job can
// outlive the awaiting frame. They run on a pool thread, so they must not touch the loop, its
// tasks, or what those use without synchronisation. The task resumes on the loop thread with the
// result, or with the exception the callable threw.
//
// Cancelling the awaiting task: a job still waiting for a thread is removed from the pool's queue
// and never runs. A job already running cannot be stopped — a thread cannot be interrupted — so it
// runs to its end and its result is discarded. Either way the task sees Cancelled at once.
//
// run_blocking declares how long its work blocks a thread. On the real clock a pool thread really
// sleeps that long (divided by the loop's speed), then runs fn. On the virtual clock the pool is
// simulated exactly: LoopOptions::pool_size threads, a FIFO queue, each job ending its declared
// duration after it starts, when fn runs on the loop thread. run_in_executor always uses the real
// pool and takes no virtual time (the virtual clock waits for it).
//
// A job reaches libuv's pool at the end of the turn in which it was awaited, with every other job
// of that turn: handed over in one burst, the pool's threads stay busy instead of falling asleep
// and being woken between one job and the next (a fivefold difference on bench/'s executor
// workload). block_loop hands them over first, so a lesson that blocks the loop sees its jobs run
// meanwhile, as asyncio's would. Code that blocks the loop thread by other means, in the same
// turn, holds them back until the turn ends: one more reason not to.
//
// The "pool" trace channel logs each job: queued, started on a pool thread, done. The awaiting
// task's wait is typed too: PoolQueued when it suspends, PoolRunning once a thread takes the job.
// A real job's start is stamped with the time its thread took it, so it may be recorded after
// later events (of other tasks: the awaiting task does nothing meanwhile).

#include <algorithm>
#include <concepts>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "asynclab/clock.hpp"
#include "asynclab/detail/frame_alloc.hpp"
#include "asynclab/detail/task_core.hpp"
#include "asynclab/detail/timer_heap.hpp"
#include "asynclab/errors.hpp"
#include "asynclab/loop.hpp"

namespace asynclab {

namespace channel {
inline constexpr std::string_view pool = "pool";
}  // namespace channel

/// Sizes libuv's thread pool, which is process-wide and sized once, when first used (from
/// UV_THREADPOOL_SIZE, which this sets). Call it before the first job (the CLI does, for --pool).
/// Returns false, changing nothing, when the pool already runs with another size; throws
/// ValueError outside 1..1024.
bool configure_thread_pool(unsigned threads);

/// The number of threads libuv's pool has, or will have when first used.
[[nodiscard]] unsigned thread_pool_size();

/// Blocks the loop thread for d, on purpose, to show the damage: nothing else runs meanwhile and
/// timers fire late. Real clock: the thread sleeps d / speed. Virtual clock: loop time moves on by
/// d inside the running task. Not a suspension point.
void block_loop(Duration d);

namespace detail {

class ExecutorWait;

/// Room for a uv_work_t, so that uv.h stays out of the public headers (checked in executor.cpp).
inline constexpr std::size_t uv_work_bytes = 192;

/// One job for a pool, on the heap. Its awaiter owns it until the awaiting task is cancelled; then
/// a job still running belongs to the pool, which frees it when its thread is done with it.
/// A job's link into its loop's list of orphaned jobs (pool_state.hpp).
struct PoolOrphanLink : Link {};

class PoolJob : public TimerNode, public PoolOrphanLink {
  public:
    enum class Stage : std::uint8_t { Idle, Queued, Running, Done };

    explicit PoolJob(std::optional<Duration> declared) noexcept;
    PoolJob(const PoolJob&) = delete;
    PoolJob& operator=(const PoolJob&) = delete;
    virtual ~PoolJob();

    // From the engine's free lists: a batch of jobs reuses the memory of the previous batch,
    // where malloc would hand its freed top back to the system and fault it in again.
    static void* operator new(std::size_t size) { return allocate_block(size); }
    static void operator delete(void* p, std::size_t size) noexcept { free_block(p, size); }

    /// Calls the callable, keeping its result or exception here. Runs on a pool thread, or on the
    /// loop thread at the end of a simulated job.
    virtual void run() noexcept = 0;

    // Set on the loop thread before the job is submitted. A pool thread writes only started_ns
    // and what run() keeps.
    std::optional<Duration> declared;  ///< run_blocking's duration; none for run_in_executor.
    Duration thread_sleep{};           ///< Real clock: the thread sleeps this long before run().
    Loop* loop = nullptr;
    ExecutorWait* waiter = nullptr;  ///< nullptr once the job is over or abandoned.
    std::uint64_t number = 0;        ///< Per loop, in submission order, for the trace.
    std::uint64_t task = 0;          ///< The submitting task's id, for the trace.
    std::uint64_t started_ns = 0;    ///< uv_hrtime() when a pool thread took the job.
    Stage stage = Stage::Idle;
    bool simulated = false;
    bool traced = false;  ///< The loop records a trace: the pool thread stamps started_ns.
    alignas(std::max_align_t) std::byte uv_request[uv_work_bytes];
};

/// A job's outcome slot: nothing yet, the value, or the exception.
template <class R>
class ResultJob : public PoolJob {
  public:
    using PoolJob::PoolJob;

    R take() {
        if (outcome_.index() == 2) std::rethrow_exception(std::get<2>(outcome_));
        if constexpr (!std::is_void_v<R>) return std::move(std::get<1>(outcome_));
    }

  protected:
    using Value = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
    std::variant<std::monostate, Value, std::exception_ptr> outcome_;
};

template <class R, class F, class... Args>
class Job final : public ResultJob<R> {
  public:
    Job(std::optional<Duration> duration, F fn, Args... args)
        : ResultJob<R>(duration), fn_(std::move(fn)), args_(std::move(args)...) {}

    void run() noexcept override {
        try {
            if constexpr (std::is_void_v<R>) {
                std::apply(std::move(fn_), std::move(args_));
                this->outcome_.template emplace<1>();
            } else {
                this->outcome_.template emplace<1>(std::apply(std::move(fn_), std::move(args_)));
            }
        } catch (...) {
            this->outcome_.template emplace<2>(std::current_exception());
        }
    }

  private:
    F fn_;
    std::tuple<Args...> args_;
};

/// The suspension shared by every executor await: submitting the job, being cancelled, waking
/// when the job is over (executor.cpp).
class ExecutorWait : public Suspension {
  public:
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h);

    [[nodiscard]] WaitTarget target() const noexcept override {
        return {WaitKind::PoolQueued, channel::pool};
    }
    void detach() noexcept override;

    /// On the loop thread, when the job is over: the task resumes (on a later turn).
    void job_done() noexcept { wake(); }

  protected:
    explicit ExecutorWait(std::unique_ptr<PoolJob> job) noexcept : job_(std::move(job)) {}
    ~ExecutorWait() { detach(); }

    /// In await_resume, after end(): the finished job. Throws Cancelled if it never finished (a
    /// cancellation withdrawn by uncancel() after the job was given up).
    PoolJob& finished_job();

    std::unique_ptr<PoolJob> job_;
};

template <class R>
class [[nodiscard]] ExecutorAwaiter final : public ExecutorWait {
  public:
    explicit ExecutorAwaiter(std::unique_ptr<ResultJob<R>> job) noexcept
        : ExecutorWait(std::move(job)) {}

    R await_resume() {
        end();
        return static_cast<ResultJob<R>&>(finished_job()).take();
    }
};

/// run_blocking's default work: nothing but the blocking itself.
struct NoWork {
    void operator()() const noexcept {}
};

}  // namespace detail

/// Awaits fn(args...) run on libuv's thread pool (asyncio: loop.run_in_executor(None, fn, *args)).
/// fn and args are moved into the job; the result (void and move-only types work) or the
/// exception fn threw comes back on the loop thread.
template <class F, class... Args>
requires std::invocable<F, Args...>
[[nodiscard]] auto run_in_executor(F fn, Args... args) {
    using R = std::decay_t<std::invoke_result_t<F, Args...>>;
    return detail::ExecutorAwaiter<R>(std::make_unique<detail::Job<R, F, Args...>>(
        std::nullopt, std::move(fn), std::move(args)...));
}

/// Awaits blocking work that occupies a pool thread for d, then fn() (see the top of this file
/// for how each clock runs it).
template <class F = detail::NoWork>
requires std::invocable<F>
[[nodiscard]] auto run_blocking(Duration d, F fn = {}) {
    using R = std::decay_t<std::invoke_result_t<F>>;
    return detail::ExecutorAwaiter<R>(
        std::make_unique<detail::Job<R, F>>(std::max(d, Duration::zero()), std::move(fn)));
}

}  // namespace asynclab

#pragma once
// The event loop: one thread, a FIFO ready queue, a timer heap, libuv underneath for waiting,
// signals and the thread pool.
//
// A loop turn, as asyncio's _run_once: timers that are due join the back of the ready queue, then
// exactly the entries present at that moment run — what they wake runs on the next turn. When
// nothing is ready the loop waits: on the real clock in libuv's poll until the next timer, a signal
// or a thread-pool completion; on the virtual clock by jumping straight to the next timer (unless
// thread-pool work is in flight, which it waits for). Between busy turns libuv is polled only when
// it may hold something — a finished pool job, or (about every millisecond) a signal — and the
// clock is read only while a timer is pending, so a task that yields pays neither a syscall nor a
// clock read.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "asynclab/clock.hpp"
#include "asynclab/detail/intrusive_list.hpp"
#include "asynclab/detail/ready_node.hpp"
#include "asynclab/detail/task_core.hpp"
#include "asynclab/detail/timer_heap.hpp"
#include "asynclab/random.hpp"
#include "asynclab/trace.hpp"

namespace asynclab {

template <class T>
class Task;
template <class T>
class TaskHandle;

namespace detail {
struct PoolState;
class LoopInternals;
}  // namespace detail

struct LoopOptions {
    ClockMode clock = ClockMode::Real;
    double speed = 1.0;       ///< Real clock: 2.0 plays every duration twice as fast.
    Trace* trace = nullptr;   ///< Record every state change here; nullptr records nothing.
    std::uint64_t seed = 42;  ///< Seeds the run's generator (random()).
    unsigned pool_size = 4;   ///< Threads of the (simulated, on the virtual clock) pool.
    /// Virtual clock only: before each jump to the next timer, wait until the wall clock (scaled
    /// by `speed`) has caught up with it. The run then plays in real time yet keeps the virtual
    /// clock's story to the nanosecond: real timers cannot, at any speed, as soon as the machine
    /// is late by more than the gap between two events (at speed 100, 0.1 ms late is 10 ms of the
    /// run, and an answer due at 30 ms loses to its 80 ms timeout). An interrupt ends the pacing:
    /// the cleanup it starts runs at once.
    bool paced = false;
};

class Loop {
  public:
    explicit Loop(LoopOptions options = {});
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    /// asyncio.run: runs `main` as a task named `name` until it finishes, then cancels whatever
    /// tasks are left and lets them clean up. Returns main's result or rethrows its exception;
    /// throws Deadlock when no task can ever make progress again.
    template <class T>
    T run(Task<T> main, std::string_view name = "main");

    /// asyncio.create_task: schedules `task` to start on the next turn.
    template <class T>
    TaskHandle<T> spawn(Task<T> task, std::string_view name = {});

    /// Loop time since the loop was created.
    [[nodiscard]] Duration now() const noexcept;
    /// Loop time at a uv_hrtime() reading taken on any thread (a pool thread starting a job). The
    /// virtual clock stands still while pool work runs, so there it is now().
    [[nodiscard]] Duration time_at(std::uint64_t hrtime_ns) const noexcept;
    [[nodiscard]] ClockMode clock() const noexcept { return options_.clock; }
    [[nodiscard]] double speed() const noexcept { return options_.speed; }
    [[nodiscard]] unsigned pool_size() const noexcept { return options_.pool_size; }
    [[nodiscard]] Trace* trace() const noexcept { return options_.trace; }
    [[nodiscard]] Random& random() noexcept { return random_; }

    /// The task running right now, or nullptr between tasks.
    [[nodiscard]] detail::TaskCore* current_task() const noexcept { return current_; }

    /// The loop running on this thread; throws RuntimeError outside one (asyncio:
    /// "no running event loop").
    static Loop& current();
    static Loop* current_or_null() noexcept;

    /// Calls `handler` on the loop thread when `signum` arrives while the loop runs. The watch
    /// does not keep the loop alive.
    void on_signal(int signum, std::function<void()> handler);

    /// Stops the loop from outside: once `*flag` is true (set by a signal handler, say), the loop
    /// cancels every task, once — at the start of a turn or between two callbacks of one, so a
    /// loop too busy to poll libuv (where on_signal's signals arrive) still sees it. A waiting
    /// loop wakes every interrupt_check_ms to look. nullptr: no flag.
    void set_interrupt_flag(const std::atomic<bool>* flag) noexcept { interrupt_flag_ = flag; }
    /// Whether the flag stopped this loop.
    [[nodiscard]] bool interrupted() const noexcept { return interrupted_; }
    static constexpr std::uint64_t interrupt_check_ms = 10;

    /// Receives engine complaints, such as a failed task whose exception nobody retrieved.
    /// By default they go to stderr.
    void set_exception_handler(std::function<void(const std::string&)> handler);

    /// Cancels every task that is not done.
    void cancel_all() noexcept;
    [[nodiscard]] std::size_t live_tasks() const noexcept { return live_tasks_; }

    /// Records an event for `task` (nullptr: the current task) when tracing is on. `name`: a Log's
    /// channel.
    void record(EventType type, std::string_view text = {}, std::string_view name = {},
                const detail::TaskCore* task = nullptr);
    /// Records that the current task suspends on `target`.
    void record_wait(const detail::WaitTarget& target);
    /// Records that the breaker called `name` moved from one state to another, in the current task.
    void record_breaker(BreakerState from, BreakerState to, std::string_view name);
    /// Records a counter's new value (a queue's depth, a semaphore's permits in use).
    void record_counter(CounterKind kind, std::string_view name, std::int64_t value);

  private:
    template <class T>
    friend class TaskHandle;
    friend class detail::LoopInternals;

    // --- engine internals, reached through detail::LoopInternals (engine/src) ----------------
    void schedule(detail::ReadyNode& node) noexcept { ready_.push_back(&node); }
    void add_timer(detail::TimerNode& node, Duration deadline);
    void remove_timer(detail::TimerNode& node) noexcept { timers_.remove(&node); }
    /// Moves the virtual clock on while the loop thread is busy (blocking work on the loop).
    void advance_virtual(Duration d) noexcept { virtual_now_ += d; }
    void report(const std::string& message);

    /// Thread-pool work in flight keeps the loop waiting (and the virtual clock still).
    void pool_job_started() noexcept { ++pool_in_flight_; }
    void pool_job_delivered() noexcept { --pool_in_flight_; }
    /// Called on a pool thread when a job's work is over: the loop polls libuv promptly, until
    /// as many jobs have been acknowledged (on the loop thread, as their results arrive). Two
    /// counts, each written by one side, rather than one both sides change: a job then costs
    /// the pool's thread one atomic add and the loop thread none.
    void pool_job_finished_off_thread() noexcept {
        pool_finished_.count.fetch_add(1, std::memory_order_release);
    }
    void pool_job_acknowledged() noexcept { ++pool_acknowledged_; }
    [[nodiscard]] detail::PoolState& pool_state() noexcept { return *pool_state_; }
    /// Hands this turn's real pool jobs to libuv (executor.cpp): at the end of every turn, and
    /// before the loop thread blocks on purpose (block_loop).
    void submit_pool_jobs();
    struct Uv;
    [[nodiscard]] Uv& uv() noexcept { return *uv_; }

    void task_created(detail::TaskCore& task, std::string_view name);
    void task_finished() noexcept { --live_tasks_; }
    void set_current(detail::TaskCore* task) noexcept { current_ = task; }

    void run_until_done(detail::TaskCore& main);
    bool turn();
    bool wait_for_work();
    bool pace_until(Duration deadline);
    void poll_if_due();
    void fire_due_timers();
    void run_ready();
    void shut_down_tasks() noexcept;
    void check_interrupt() noexcept {
        if (interrupt_flag_ != nullptr && !interrupted_ &&
            interrupt_flag_->load(std::memory_order_relaxed)) {
            interrupted_ = true;
            cancel_all();
        }
    }
    std::string describe_stuck_tasks();

    LoopOptions options_;
    std::unique_ptr<Uv> uv_;
    detail::IntrusiveList<detail::ReadyNode> ready_;
    detail::ReadyNode turn_marker_;
    detail::TimerHeap timers_;
    detail::IntrusiveList<detail::RegistryLink> registry_;
    detail::TaskCore* current_ = nullptr;
    Random random_;
    std::function<void(const std::string&)> exception_handler_;
    std::uint64_t next_task_id_ = 1;
    std::size_t live_tasks_ = 0;
    std::size_t pool_in_flight_ = 0;
    std::size_t pool_acknowledged_ = 0;
    // Pool threads write this while the loop thread works on the fields around it: a cache line
    // of its own (the struct's alignment pads it to one) keeps their writes off those fields.
    struct alignas(64) {
        std::atomic<std::size_t> count{0};
    } pool_finished_;
    Duration virtual_now_{0};
    std::uint64_t real_start_ns_ = 0;
    std::uint64_t last_poll_ns_ = 0;  // on the coarse clock (loop.cpp)
    bool running_ = false;
    const std::atomic<bool>* interrupt_flag_ = nullptr;
    bool interrupted_ = false;
    std::unique_ptr<detail::PoolState> pool_state_;  // last: its orphaned jobs leave the timer
                                                     // heap before it goes
};

}  // namespace asynclab

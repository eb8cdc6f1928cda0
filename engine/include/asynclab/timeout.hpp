#pragma once
// Timeouts, with asyncio's semantics.
//
//   co_await timeout(secs(0.5), body());     // asyncio.timeout: body runs in this task; when time
//                                            // is up the task is cancelled, body cleans up, and
//                                            // then TimeoutError is raised here
//   co_await wait_for(job(), secs(0.5));     // asyncio.wait_for: job runs as a task of its own,
//                                            // which is cancelled and awaited on timeout
//
// TimeoutError comes only after the inner work has finished its cleanup. A cancellation from
// outside that arrives meanwhile stays a Cancelled: a timeout converts only its own (asyncio
// counts cancellation requests to tell them apart). An inner task that swallows its cancellation
// and returns a value makes wait_for return that value, as in asyncio.

#include <string_view>

#include "asynclab/clock.hpp"
#include "asynclab/detail/task_core.hpp"
#include "asynclab/detail/timer_heap.hpp"
#include "asynclab/errors.hpp"
#include "asynclab/task.hpp"
#include "asynclab/task_handle.hpp"

namespace asynclab {

namespace detail {

/// Cancels the current task when the deadline passes (asyncio.Timeout).
class TimeoutScope : TimerNode {
  public:
    explicit TimeoutScope(Duration delay);
    ~TimeoutScope();
    TimeoutScope(const TimeoutScope&) = delete;
    TimeoutScope& operator=(const TimeoutScope&) = delete;

    /// Leaving with Cancelled: true when that cancellation was this scope's own (it becomes a
    /// TimeoutError), false when it came from elsewhere (it stays a Cancelled).
    bool owns_cancellation() noexcept;
    [[nodiscard]] bool expired() const noexcept { return state_ != State::Armed; }
    [[nodiscard]] Duration delay() const noexcept { return delay_; }

  private:
    enum class State { Armed, Expiring, Settled };
    static void on_fire(ReadyNode& n) noexcept;
    void settle() noexcept;

    TaskCore* task_;
    Duration delay_;
    std::uint32_t cancelling_at_entry_;
    State state_ = State::Armed;
};

[[noreturn]] void throw_timeout(Duration delay);

template <class T>
Task<T> await_handle(TaskHandle<T> handle) {
    co_return co_await handle;
}

}  // namespace detail

/// Runs `body` in the current task with a deadline `delay` from now.
template <class T>
Task<T> timeout(Duration delay, Task<T> body) {
    detail::TimeoutScope scope(delay);
    try {
        co_return co_await std::move(body);
    } catch (const Cancelled&) {
        if (scope.owns_cancellation()) detail::throw_timeout(delay);
        throw;
    }
}

/// Runs `work` as its own task (named `name`) and waits for it at most `delay`.
template <class T>
Task<T> wait_for(Task<T> work, Duration delay, std::string_view name = {}) {
    TaskHandle<T> handle = spawn(std::move(work), name);
    co_return co_await timeout(delay, detail::await_handle(std::move(handle)));
}

/// Waits for an existing task at most `delay`, cancelling it on timeout.
template <class T>
Task<T> wait_for(TaskHandle<T> handle, Duration delay) {
    co_return co_await timeout(delay, detail::await_handle(std::move(handle)));
}

}  // namespace asynclab

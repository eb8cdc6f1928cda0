#pragma once
// Suspends the current task until a set of tasks reaches a condition: all done, the first done,
// the first failure... Each child's completion reaches the waiter through a callback that runs on
// the next turn, and the waiter then wakes its task — the two hops asyncio's gather() and wait()
// take, so that combinators interleave exactly as they do there.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "asynclab/clock.hpp"
#include "asynclab/detail/task_core.hpp"
#include "asynclab/detail/timer_heap.hpp"

namespace asynclab::detail {

enum class WaitUntil {
    FirstFailure,    ///< gather: all done, or stop at the first failure or cancellation
    AllDone,         ///< gather(return_exceptions), wait(ALL_COMPLETED)
    FirstCompleted,  ///< wait(FIRST_COMPLETED)
    FirstException,  ///< wait(FIRST_EXCEPTION): the first failure (not cancellation), or all done
};

/// The tasks a combinator waits for, read in place from the caller's array — of TaskHandles, or
/// of records — rather than copied out of it.
class Children {
  public:
    using At = TaskCore& (*)(const void* array, std::size_t i) noexcept;
    Children(const void* array, std::size_t size, At at) noexcept
        : array_(array), size_(size), at_(at) {}
    explicit Children(std::span<TaskCore* const> cores) noexcept
        : Children(cores.data(), cores.size(), &core_at) {}

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    TaskCore& operator[](std::size_t i) const noexcept { return at_(array_, i); }

  private:
    static TaskCore& core_at(const void* array, std::size_t i) noexcept {
        return *static_cast<TaskCore* const*>(array)[i];
    }
    const void* array_;
    std::size_t size_;
    At at_;
};

class MultiWait final : public Suspension, public TimerNode, public TaskWatcher {
  public:
    /// `forward`: being cancelled while waiting cancels the children and waits for them all
    /// (gather); otherwise the wait just ends with Cancelled (wait). `children` must outlive the
    /// wait.
    MultiWait(Children children, WaitUntil until, bool forward,
              std::optional<Duration> timeout = {}) noexcept;
    ~MultiWait();

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h);
    /// Throws Cancelled when the wait was cancelled. Returns the child that ended a
    /// FirstFailure wait early, or nullptr.
    TaskCore* await_resume();

    WaitTarget target() const noexcept override;
    bool forward_cancel() noexcept override;
    void detach() noexcept override;
    void child_done(TaskCore& child) noexcept override;

  private:
    /// Watches children_[i] when its record is taken (TaskCore::try_watch): someone else waits for
    /// it too, or it is listed twice. The child's status is noted when it finishes — its record
    /// is in cache then — so that the callback's turn reads only this node.
    struct Watch : DoneWaiter {
        Watch() noexcept : DoneWaiter(&on_done, &on_fire) {}
        static void on_done(DoneWaiter& w) noexcept;
        static void on_fire(ReadyNode& n) noexcept;
        MultiWait* owner = nullptr;
        TaskStatus status = TaskStatus::Pending;
    };

    static void on_timeout(ReadyNode& n) noexcept;
    /// Watches one child through a node of its own (made for every child on first need).
    void watch_with_node(std::size_t index);
    [[nodiscard]] std::size_t index_of(const Watch& w) const noexcept {
        return static_cast<std::size_t>(&w - watches_.get());
    }
    void child_done(TaskCore& child, TaskStatus status) noexcept;
    void finish_waiting() noexcept;

    Children children_;
    std::unique_ptr<Watch[]> watches_;  // none while every child's record watches for us
    std::optional<Duration> timeout_;
    TaskCore* first_failure_ = nullptr;
    std::size_t done_ = 0;
    WaitUntil until_;
    bool forward_;
    bool cancel_forwarded_ = false;
    bool woken_ = false;
};

}  // namespace asynclab::detail

#pragma once
// Suspends the current task until a set of tasks reaches a condition: all done, the first done,
// the first failure... Each child's completion reaches the waiter through a callback that runs on
// the next turn, and the waiter then wakes its task — the two hops asyncio's gather() and wait()
// take, so that combinators interleave exactly as they do there.

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

class MultiWait final : public Suspension, public TimerNode {
  public:
    /// `forward`: being cancelled while waiting cancels the children and waits for them all
    /// (gather); otherwise the wait just ends with Cancelled (wait).
    MultiWait(std::span<TaskCore* const> children, WaitUntil until, bool forward,
              std::optional<Duration> timeout = {});
    ~MultiWait();

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h);
    /// Throws Cancelled when the wait was cancelled. Returns the child that ended a
    /// FirstFailure wait early, or nullptr.
    TaskCore* await_resume();

    std::string what() const override;
    WaitKind kind() const noexcept override { return WaitKind::Task; }
    bool forward_cancel() noexcept override;
    void detach() noexcept override;

  private:
    /// Watches children_[i] for watches_[i]. The child's status is noted when it finishes — its
    /// record is in cache then — so that the callback's turn, and with a thousand children the
    /// thousand callbacks, read only this array.
    struct Watch : DoneWaiter {
        Watch() noexcept : DoneWaiter(&on_done, &on_fire) {}
        static void on_done(DoneWaiter& w) noexcept;
        static void on_fire(ReadyNode& n) noexcept;
        MultiWait* owner = nullptr;
        TaskStatus status = TaskStatus::Pending;
    };

    static void on_timeout(ReadyNode& n) noexcept;
    [[nodiscard]] std::size_t index_of(const Watch& w) const noexcept {
        return static_cast<std::size_t>(&w - watches_.get());
    }
    void child_done(std::size_t index, TaskStatus status) noexcept;
    void finish_waiting() noexcept;

    std::span<TaskCore* const> children_;
    std::unique_ptr<Watch[]> watches_;
    std::optional<Duration> timeout_;
    TaskCore* first_failure_ = nullptr;
    std::size_t done_ = 0;
    WaitUntil until_;
    bool forward_;
    bool cancel_forwarded_ = false;
    bool woken_ = false;
};

}  // namespace asynclab::detail

#pragma once
// sleep(d): suspend the current task for d of loop time. sleep(0) (or less) yields once: the task
// goes to the back of the ready queue and everything already ready runs first.
// sleep_as(kind, d, name): the same sleep, traced as waiting on `kind` (a retry's backoff, a fake
// service's reply) so that a timeline can tell it from plain sleeping.

#include <string_view>
#include <utility>

#include "asynclab/clock.hpp"
#include "asynclab/detail/task_core.hpp"
#include "asynclab/loop.hpp"

namespace asynclab {

namespace detail {

/// The task's own record is the timer (TaskCore::sleep_until), so a sleeping frame holds only
/// this: 24 bytes where a timer node of its own would take 64.
class SleepAwaiter : public Suspension {
  public:
    explicit SleepAwaiter(Duration d) noexcept : delay_(d) {}
    SleepAwaiter(SleepAwaiter&& o) noexcept : delay_(o.delay_) {}
    ~SleepAwaiter() { detach(); }

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
        if (!begin(h)) return;
        if (delay_ <= Duration::zero()) {
            wake();
            return;
        }
        task_->sleep_until(task_->loop()->now() + delay_);
    }
    void await_resume() { end(); }

    WaitTarget target() const noexcept override {
        return {delay_ > Duration::zero() ? WaitKind::Sleep : WaitKind::Yield, {}};
    }
    void detach() noexcept override {
        if (task_ != nullptr && delay_ > Duration::zero()) task_->stop_sleeping();
    }

  protected:
    [[nodiscard]] Duration delay() const noexcept { return delay_; }

  private:
    Duration delay_;
};

/// A sleep traced as another kind of wait. 16 bytes more than a plain sleep, paid only here.
class TypedSleepAwaiter final : public SleepAwaiter {
  public:
    TypedSleepAwaiter(WaitKind kind, Duration d, std::string_view name) noexcept
        : SleepAwaiter(d), kind_(kind), name_(name) {}
    TypedSleepAwaiter(TypedSleepAwaiter&& o) noexcept
        : SleepAwaiter(std::move(o)), kind_(o.kind_), name_(o.name_) {}

    WaitTarget target() const noexcept override {
        return delay() > Duration::zero() ? WaitTarget{kind_, name_} : SleepAwaiter::target();
    }

  private:
    WaitKind kind_;
    std::string_view name_;
};

}  // namespace detail

[[nodiscard]] inline detail::SleepAwaiter sleep(Duration d) noexcept {
    return detail::SleepAwaiter(d);
}

/// sleep(d), traced as a wait of `kind` on `name` (which must outlive the sleep: a literal).
[[nodiscard]] inline detail::TypedSleepAwaiter sleep_as(WaitKind kind, Duration d,
                                                        std::string_view name = {}) noexcept {
    return detail::TypedSleepAwaiter(kind, d, name);
}

/// Lets every other ready task run once before this one continues (asyncio: sleep(0)).
[[nodiscard]] inline detail::SleepAwaiter yield() noexcept {
    return detail::SleepAwaiter(Duration::zero());
}

}  // namespace asynclab

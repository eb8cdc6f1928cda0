#pragma once
// Lock (asyncio.Lock): mutual exclusion between tasks of one loop. Needed even on one thread when
// a critical section awaits in its middle. FIFO and without barging: release() hands the lock to
// the longest waiter, so a task arriving later cannot take it first.
//
//   auto held = co_await lock.hold();   // released when `held` goes out of scope

#include <string>

#include "asynclab/detail/waiter.hpp"
#include "asynclab/held.hpp"

namespace asynclab {

class Lock {
  public:
    Lock() = default;
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

    class AcquireAwaiter : public detail::Waiter {
      public:
        explicit AcquireAwaiter(Lock& l) noexcept : lock_(l) {}
        bool await_ready() noexcept { return lock_.try_acquire(); }
        void await_suspend(std::coroutine_handle<> h) {
            if (begin(h)) lock_.waiters_.push_back(this);
        }
        void await_resume();
        std::string what() const override { return "lock.acquire"; }
        WaitKind kind() const noexcept override { return WaitKind::Lock; }

      protected:
        Lock& lock_;
    };

    class HoldAwaiter final : public AcquireAwaiter {
      public:
        using AcquireAwaiter::AcquireAwaiter;
        Held<Lock> await_resume() {
            AcquireAwaiter::await_resume();
            return Held<Lock>(lock_);
        }
    };

    [[nodiscard]] AcquireAwaiter acquire() noexcept { return AcquireAwaiter(*this); }
    [[nodiscard]] HoldAwaiter hold() noexcept { return HoldAwaiter(*this); }
    /// Throws RuntimeError when the lock is not held.
    void release();
    [[nodiscard]] bool locked() const noexcept { return locked_; }

  private:
    bool try_acquire() noexcept;

    bool locked_ = false;
    detail::WaitList waiters_;
};

}  // namespace asynclab

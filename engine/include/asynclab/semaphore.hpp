#pragma once
// Semaphore (asyncio.Semaphore): at most n holders at once. FIFO and without barging: release()
// hands the permit straight to the longest waiter, so a task arriving later cannot take it first.
// BoundedSemaphore also refuses a release beyond its initial value (it would hide a bug).
//
//   auto permit = co_await sem.hold();   // released when `permit` goes out of scope

#include <cstddef>
#include <string>

#include "asynclab/detail/waiter.hpp"
#include "asynclab/held.hpp"

namespace asynclab {

class Semaphore {
  public:
    explicit Semaphore(std::size_t value);
    Semaphore(const Semaphore&) = delete;
    Semaphore& operator=(const Semaphore&) = delete;
    virtual ~Semaphore() = default;

    class AcquireAwaiter : public detail::Waiter {
      public:
        explicit AcquireAwaiter(Semaphore& s) noexcept : sem_(s) {}
        bool await_ready() noexcept { return sem_.try_acquire(); }
        void await_suspend(std::coroutine_handle<> h) {
            if (begin(h)) sem_.waiters_.push_back(this);
        }
        void await_resume();
        std::string what() const override { return "semaphore.acquire"; }
        WaitKind kind() const noexcept override { return WaitKind::Semaphore; }

      protected:
        Semaphore& sem_;
    };

    class HoldAwaiter final : public AcquireAwaiter {
      public:
        using AcquireAwaiter::AcquireAwaiter;
        Held<Semaphore> await_resume() {
            AcquireAwaiter::await_resume();
            return Held<Semaphore>(sem_);
        }
    };

    [[nodiscard]] AcquireAwaiter acquire() noexcept { return AcquireAwaiter(*this); }
    [[nodiscard]] HoldAwaiter hold() noexcept { return HoldAwaiter(*this); }
    virtual void release();

    /// Permits free right now (permits handed to woken waiters are not free).
    [[nodiscard]] std::size_t value() const noexcept { return value_; }
    /// True when an acquire() would wait.
    [[nodiscard]] bool locked() const noexcept { return value_ == 0; }

  protected:
    /// Gives a permit to the longest waiter, or back to the pool.
    void give_back() noexcept;

  private:
    bool try_acquire() noexcept;

    std::size_t value_;
    detail::WaitList waiters_;
};

class BoundedSemaphore final : public Semaphore {
  public:
    explicit BoundedSemaphore(std::size_t value) : Semaphore(value), bound_(value) {}
    /// Throws ValueError when it would raise the value above the initial one.
    void release() override;

  private:
    std::size_t bound_;
};

}  // namespace asynclab

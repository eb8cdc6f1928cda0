#pragma once
// Semaphore (asyncio.Semaphore): at most n holders at once. FIFO and without barging: release()
// hands the permit straight to the longest waiter, so a task arriving later cannot take it first.
// BoundedSemaphore also refuses a release beyond its initial value (it would hide a bug).
//
//   auto permit = co_await sem.hold();   // released when `permit` goes out of scope

#include <cstddef>
#include <string>

#include "asynclab/detail/permits.hpp"

namespace asynclab {

class Semaphore : public detail::Permits {
  public:
    /// `name`: how traces and deadlock reports call it.
    explicit Semaphore(std::size_t value, std::string name = "semaphore")
        : Permits(value, std::move(name), WaitKind::Semaphore) {}
    virtual ~Semaphore() = default;

    [[nodiscard]] AcquireAwaiter acquire() noexcept { return AcquireAwaiter(*this); }
    [[nodiscard]] HoldAwaiter<Semaphore> hold() noexcept { return HoldAwaiter<Semaphore>(*this); }
    virtual void release() { give_back(); }

    /// Permits free right now (permits handed to woken waiters are not free).
    [[nodiscard]] std::size_t value() const noexcept { return free_permits(); }
    /// True when an acquire() would wait.
    [[nodiscard]] bool locked() const noexcept { return free_permits() == 0; }
};

class BoundedSemaphore final : public Semaphore {
  public:
    explicit BoundedSemaphore(std::size_t value, std::string name = "semaphore")
        : Semaphore(value, std::move(name)), bound_(value) {}
    /// Throws ValueError when it would raise the value above the initial one.
    void release() override;

  private:
    std::size_t bound_;
};

}  // namespace asynclab

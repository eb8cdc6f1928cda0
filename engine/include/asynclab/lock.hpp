#pragma once
// Lock (asyncio.Lock): mutual exclusion between tasks of one loop. Needed even on one thread when
// a critical section awaits in its middle. FIFO and without barging: release() hands the lock to
// the longest waiter, so a task arriving later cannot take it first.
//
//   auto held = co_await lock.hold();   // released when `held` goes out of scope

#include <string>

#include "asynclab/detail/permits.hpp"

namespace asynclab {

class Lock : public detail::Permits {
  public:
    /// `name`: how traces and deadlock reports call it.
    explicit Lock(std::string name = "lock") : Permits(1, std::move(name), WaitKind::Lock) {}

    [[nodiscard]] AcquireAwaiter acquire() noexcept { return AcquireAwaiter(*this); }
    [[nodiscard]] HoldAwaiter<Lock> hold() noexcept { return HoldAwaiter<Lock>(*this); }
    /// Throws RuntimeError when the lock is not held.
    void release();
    [[nodiscard]] bool locked() const noexcept { return free_permits() == 0; }
};

}  // namespace asynclab

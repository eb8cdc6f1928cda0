#include "asynclab/shield.hpp"

#include "asynclab/loop.hpp"
#include "loop_internals.hpp"

namespace asynclab::detail {

ShieldWait::ShieldWait(TaskCore& inner) noexcept : DoneWaiter(&on_done, &on_fire), inner_(inner) {
}

ShieldWait::~ShieldWait() {
    detach();
}

void ShieldWait::await_suspend(std::coroutine_handle<> h) {
    if (begin(h)) inner_.add_done_waiter(*this);
}

void ShieldWait::on_done(DoneWaiter& w) noexcept {
    auto& self = static_cast<ShieldWait&>(w);
    LoopInternals::schedule(*self.inner_.loop(), self);
}

void ShieldWait::on_fire(ReadyNode& n) noexcept {
    auto& self = static_cast<ShieldWait&>(static_cast<DoneWaiter&>(n));
    // asyncio's done callback reads the inner task's exception as it passes the outcome on.
    self.inner_.mark_retrieved();
    self.wake();
}

void ShieldWait::detach() noexcept {
    if (!DoneWaiter::linked()) return;
    // Cancelled after the inner task finished but before the callback ran: asyncio's callback
    // still runs and, finding the outer future cancelled, marks the inner exception retrieved.
    if (inner_.done()) inner_.mark_retrieved();
    inner_.remove_done_waiter(*this);
}

}  // namespace asynclab::detail

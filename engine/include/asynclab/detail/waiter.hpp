#pragma once
// The waiter node of the synchronisation primitives. A primitive keeps a FIFO WaitList; waking
// the head hands it what it waited for (a permit, the lock, an item slot) and marks it woken, so
// a newcomer cannot take it first. A waiter cancelled while still in the list just leaves it; one
// cancelled after being woken but before it ran passes the hand-off on (see each primitive).

#include "asynclab/detail/intrusive_list.hpp"
#include "asynclab/detail/task_core.hpp"

namespace asynclab::detail {

class Waiter : public Suspension, public Link {
  public:
    Waiter() = default;

    /// Hands the waiter what it waits for and queues its task.
    void hand_off() noexcept {
        woken_ = true;
        wake();
    }
    [[nodiscard]] bool woken() const noexcept { return woken_; }

    void detach() noexcept override {
        if (Link::linked()) Link::unlink();
    }

  protected:
    ~Waiter() { detach(); }

    /// In await_resume: true when a hand-off reached this waiter but the task was cancelled
    /// before it could use it — the caller must pass it on, then call end().
    [[nodiscard]] bool must_pass_on() const noexcept { return woken_ && cancel_pending(); }

    bool woken_ = false;
};

using WaitList = IntrusiveList<Waiter>;

/// Hands off to the longest-waiting waiter; false when nobody waits.
inline bool hand_off_front(WaitList& list) noexcept {
    Waiter* w = list.pop_front();
    if (w == nullptr) return false;
    w->hand_off();
    return true;
}

}  // namespace asynclab::detail

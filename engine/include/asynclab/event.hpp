#pragma once
// Event (asyncio.Event): one set() releases every task waiting, in the order they began to wait;
// wait() on a set event returns at once without suspending.

#include <string>

#include "asynclab/detail/waiter.hpp"

namespace asynclab {

class Event {
  public:
    Event() = default;
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

    class WaitAwaiter final : public detail::Waiter {
      public:
        explicit WaitAwaiter(Event& e) noexcept : event_(e) {}
        bool await_ready() const noexcept { return event_.set_; }
        void await_suspend(std::coroutine_handle<> h) {
            if (begin(h)) event_.waiters_.push_back(this);
        }
        void await_resume() { end(); }
        std::string what() const override { return "event.wait"; }
        WaitKind kind() const noexcept override { return WaitKind::Event; }

      private:
        Event& event_;
    };

    [[nodiscard]] bool is_set() const noexcept { return set_; }
    void set() noexcept;
    void clear() noexcept { set_ = false; }
    [[nodiscard]] WaitAwaiter wait() noexcept { return WaitAwaiter(*this); }

  private:
    bool set_ = false;
    detail::WaitList waiters_;
};

}  // namespace asynclab

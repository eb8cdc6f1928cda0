#pragma once
// Event (asyncio.Event): one set() releases every task waiting, in the order they began to wait;
// wait() on a set event returns at once without suspending.

#include <string>
#include <utility>

#include "asynclab/detail/waiter.hpp"

namespace asynclab {

class Event {
  public:
    /// `name`: how traces and deadlock reports call it.
    explicit Event(std::string name = "event") : name_(std::move(name)) {}
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
        [[nodiscard]] detail::WaitTarget target() const noexcept override {
            return {WaitKind::Event, event_.name_};
        }

      private:
        Event& event_;
    };

    [[nodiscard]] bool is_set() const noexcept { return set_; }
    void set() noexcept;
    void clear() noexcept { set_ = false; }
    [[nodiscard]] WaitAwaiter wait() noexcept { return WaitAwaiter(*this); }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

  private:
    bool set_ = false;
    detail::WaitList waiters_;
    std::string name_;
};

}  // namespace asynclab

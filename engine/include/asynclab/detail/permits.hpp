#pragma once
// What Lock and Semaphore share: a count of free permits and a FIFO of tasks waiting for one. A
// Lock is a single permit. Without barging: give_back() hands the permit straight to the longest
// waiter, so a task arriving later cannot take it first; a waiter handed a permit but cancelled
// before it ran passes it on.

#include <cstddef>
#include <string>
#include <utility>

#include "asynclab/detail/waiter.hpp"
#include "asynclab/held.hpp"

namespace asynclab::detail {

class Permits {
  public:
    Permits(const Permits&) = delete;
    Permits& operator=(const Permits&) = delete;

    /// The name traces and deadlock reports give it ("lock", "db-slots").
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    class AcquireAwaiter : public Waiter {
      public:
        explicit AcquireAwaiter(Permits& p) noexcept : permits_(p) {}
        bool await_ready() noexcept { return permits_.try_acquire(); }
        void await_suspend(std::coroutine_handle<> h) {
            if (begin(h)) permits_.waiters_.push_back(this);
        }
        void await_resume() {
            if (must_pass_on()) permits_.give_back();
            end();
        }
        [[nodiscard]] WaitTarget target() const noexcept override {
            return {permits_.kind_, permits_.name_};
        }

      protected:
        Permits& permits_;
    };

    /// acquire() that gives back a Held<Owner>, which releases the permit when it goes.
    template <class Owner>
    class HoldAwaiter final : public AcquireAwaiter {
      public:
        explicit HoldAwaiter(Owner& owner) noexcept : AcquireAwaiter(owner) {}
        Held<Owner> await_resume() {
            AcquireAwaiter::await_resume();
            return Held<Owner>(static_cast<Owner&>(permits_));
        }
    };

  protected:
    Permits(std::size_t value, std::string name, WaitKind kind)
        : value_(value), initial_(value), name_(std::move(name)), kind_(kind) {}
    ~Permits() = default;

    /// Gives a permit to the longest waiter, or back to the free ones.
    void give_back() noexcept {
        if (hand_off_front(waiters_)) return;  // the permit stays in use, by the waiter
        ++value_;
        note_in_use();
    }
    [[nodiscard]] std::size_t free_permits() const noexcept { return value_; }

  private:
    bool try_acquire() noexcept {
        // A free permit implies nobody waits: a release with waiters hands it over instead.
        if (value_ == 0) return false;
        --value_;
        note_in_use();
        return true;
    }
    /// A semaphore's permits in use, for a traced run's counter (sync_primitives.cpp).
    void note_in_use() const noexcept;

    std::size_t value_;
    std::size_t initial_;
    WaitList waiters_;
    std::string name_;
    WaitKind kind_;
};

}  // namespace asynclab::detail

// Event, Lock and Semaphore: the parts that are not templates.
#include "asynclab/errors.hpp"
#include "asynclab/event.hpp"
#include "asynclab/lock.hpp"
#include "asynclab/semaphore.hpp"

namespace asynclab {

// --- Event -----------------------------------------------------------------------------------

void Event::set() noexcept {
    if (set_) return;
    set_ = true;
    while (detail::hand_off_front(waiters_)) {
    }
}

// --- Lock ------------------------------------------------------------------------------------

bool Lock::try_acquire() noexcept {
    // Unlocked implies nobody waits: a release with waiters hands the lock over instead.
    if (locked_) return false;
    locked_ = true;
    return true;
}

void Lock::release() {
    if (!locked_) throw RuntimeError("Lock is not acquired");
    if (!detail::hand_off_front(waiters_)) locked_ = false;
}

void Lock::AcquireAwaiter::await_resume() {
    // Handed the lock but cancelled before running: the next waiter gets it.
    if (must_pass_on()) lock_.release();
    end();
}

// --- Semaphore -------------------------------------------------------------------------------

Semaphore::Semaphore(std::size_t value) : value_(value) {
}

bool Semaphore::try_acquire() noexcept {
    // A free permit implies nobody waits: a release with waiters hands the permit over instead.
    if (value_ == 0) return false;
    --value_;
    return true;
}

void Semaphore::give_back() noexcept {
    if (!detail::hand_off_front(waiters_)) ++value_;
}

void Semaphore::release() {
    give_back();
}

void Semaphore::AcquireAwaiter::await_resume() {
    if (must_pass_on()) sem_.give_back();
    end();
}

void BoundedSemaphore::release() {
    if (value() >= bound_) throw ValueError("BoundedSemaphore released too many times");
    give_back();
}

}  // namespace asynclab

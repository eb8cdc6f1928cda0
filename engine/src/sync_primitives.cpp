// Event, Lock and BoundedSemaphore: the parts that are not inline.
#include "asynclab/errors.hpp"
#include "asynclab/event.hpp"
#include "asynclab/lock.hpp"
#include "asynclab/semaphore.hpp"

namespace asynclab {

void Event::set() noexcept {
    if (set_) return;
    set_ = true;
    while (detail::hand_off_front(waiters_)) {
    }
}

void Lock::release() {
    if (!locked()) throw RuntimeError("Lock is not acquired");
    give_back();
}

void BoundedSemaphore::release() {
    if (value() >= bound_) throw ValueError("BoundedSemaphore released too many times");
    give_back();
}

}  // namespace asynclab

// Event, Lock and BoundedSemaphore: the parts that are not inline.
#include "asynclab/errors.hpp"
#include "asynclab/event.hpp"
#include "asynclab/lock.hpp"
#include "asynclab/loop.hpp"
#include "asynclab/semaphore.hpp"

namespace asynclab {

namespace detail {

void Permits::note_in_use() const noexcept {
    if (kind_ != WaitKind::Semaphore) return;  // a lock's one permit tells no number's story
    Loop* loop = Loop::current_or_null();
    if (loop == nullptr || loop->trace() == nullptr) return;
    const auto in_use = static_cast<std::int64_t>(initial_) - static_cast<std::int64_t>(value_);
    try {
        loop->record_counter(CounterKind::PermitsInUse, name_, in_use);
    } catch (...) {  // out of memory for the trace: the run goes on without this sample
    }
}

}  // namespace detail

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

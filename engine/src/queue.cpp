// The item-type-independent half of Queue<T>.
#include "asynclab/queue.hpp"

#include "asynclab/loop.hpp"

namespace asynclab::detail {

void QueueBase::note_depth(std::size_t size) const noexcept {
    Loop* loop = Loop::current_or_null();
    if (loop == nullptr || loop->trace() == nullptr) return;
    try {
        loop->record_counter(CounterKind::QueueDepth, name_, static_cast<std::int64_t>(size));
    } catch (...) {  // out of memory for the trace: the run goes on without this sample
    }
}

void QueueBase::task_done() {
    if (unfinished_ == 0) throw ValueError("task_done() called more times than items were put");
    if (--unfinished_ == 0) {
        while (hand_off_front(joiners_)) {
        }
    }
}

void QueueBase::wake_getters(std::size_t size) noexcept {
    while (size > reserved_gets_ && !getters_.empty()) {
        ++reserved_gets_;
        hand_off_front(getters_);
    }
}

void QueueBase::wake_putters(std::size_t size) noexcept {
    while (room(size) && !putters_.empty()) {
        ++reserved_puts_;
        hand_off_front(putters_);
    }
}

}  // namespace asynclab::detail

// The 4-ary timer heap (see timer_heap.hpp). Sifting carries the moving entry in a local and
// writes each entry once, at its final slot.
#include "asynclab/detail/timer_heap.hpp"

namespace asynclab::detail {

void TimerHeap::place(std::size_t i, const Entry& entry) noexcept {
    heap_[i] = entry;
    entry.node->heap_index = static_cast<std::uint32_t>(i);
}

void TimerHeap::sift_up(std::size_t i, Entry entry) noexcept {
    while (i > 0) {
        const std::size_t parent = (i - 1) / arity;
        if (!before(entry, heap_[parent])) break;
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, entry);
}

void TimerHeap::sift_down(std::size_t i, Entry entry) noexcept {
    const std::size_t n = heap_.size();
    for (;;) {
        const std::size_t first = arity * i + 1;
        if (first >= n) break;
        const std::size_t end = first + arity < n ? first + arity : n;
        std::size_t best = first;
        for (std::size_t c = first + 1; c < end; ++c) {
            if (before(heap_[c], heap_[best])) best = c;
        }
        if (!before(heap_[best], entry)) break;
        place(i, heap_[best]);
        i = best;
    }
    place(i, entry);
}

void TimerHeap::push(TimerNode* node, Duration deadline) {
    heap_.emplace_back();
    sift_up(heap_.size() - 1, Entry{deadline, next_seq_++, node});
}

void TimerHeap::remove(TimerNode* node) noexcept {
    const std::size_t i = node->heap_index;
    node->heap_index = TimerNode::not_in_heap;
    const Entry last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;  // it was the last entry
    // The last entry fills the hole, then moves whichever way restores the order.
    if (i > 0 && before(last, heap_[(i - 1) / arity])) {
        sift_up(i, last);
    } else {
        sift_down(i, last);
    }
}

TimerNode* TimerHeap::pop() noexcept {
    TimerNode* node = heap_.front().node;
    remove(node);
    return node;
}

}  // namespace asynclab::detail

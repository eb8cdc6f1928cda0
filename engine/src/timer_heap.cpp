#include "asynclab/detail/timer_heap.hpp"

namespace asynclab::detail {

void TimerHeap::place(std::size_t i, TimerNode* node) noexcept {
    heap_[i] = node;
    node->heap_index = static_cast<std::uint32_t>(i);
}

void TimerHeap::sift_up(std::size_t i) noexcept {
    TimerNode* node = heap_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!before(node, heap_[parent])) break;
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, node);
}

void TimerHeap::sift_down(std::size_t i) noexcept {
    TimerNode* node = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
        if (!before(heap_[child], node)) break;
        place(i, heap_[child]);
        i = child;
    }
    place(i, node);
}

void TimerHeap::push(TimerNode* node) {
    node->seq = next_seq_++;
    heap_.push_back(node);
    sift_up(heap_.size() - 1);
}

void TimerHeap::remove(TimerNode* node) noexcept {
    const std::size_t i = node->heap_index;
    node->heap_index = TimerNode::not_in_heap;
    TimerNode* last = heap_.back();
    heap_.pop_back();
    if (last == node) return;
    place(i, last);
    sift_up(i);
    sift_down(last->heap_index);
}

TimerNode* TimerHeap::pop() noexcept {
    TimerNode* node = top();
    if (node != nullptr) remove(node);
    return node;
}

}  // namespace asynclab::detail

#pragma once
// The loop's timers: a min-heap keyed by (deadline, arrival) so that equal deadlines fire in the
// order they were set. Nodes live in the sleeping frames; each knows its heap slot, so a cancelled
// sleep leaves the heap in O(log n).

#include <cstdint>
#include <vector>

#include "asynclab/clock.hpp"
#include "asynclab/detail/ready_node.hpp"

namespace asynclab::detail {

struct TimerNode : ReadyNode {
    static constexpr std::uint32_t not_in_heap = UINT32_MAX;
    using ReadyNode::ReadyNode;

    Duration deadline{};
    std::uint64_t seq = 0;
    std::uint32_t heap_index = not_in_heap;

    [[nodiscard]] bool in_heap() const noexcept { return heap_index != not_in_heap; }
};

class TimerHeap {
public:
    void push(TimerNode* node);
    void remove(TimerNode* node) noexcept;
    TimerNode* pop() noexcept;

    [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
    [[nodiscard]] TimerNode* top() const noexcept { return heap_.empty() ? nullptr : heap_.front(); }

private:
    static bool before(const TimerNode* a, const TimerNode* b) noexcept {
        return a->deadline != b->deadline ? a->deadline < b->deadline : a->seq < b->seq;
    }
    void place(std::size_t i, TimerNode* node) noexcept;
    void sift_up(std::size_t i) noexcept;
    void sift_down(std::size_t i) noexcept;

    std::vector<TimerNode*> heap_;
    std::uint64_t next_seq_ = 0;
};

}  // namespace asynclab::detail

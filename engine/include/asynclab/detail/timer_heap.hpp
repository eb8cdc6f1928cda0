#pragma once
// The loop's timers: a min-heap keyed by (deadline, arrival) so that equal deadlines fire in the
// order they were set. Each node knows its heap slot, so a cancelled sleep leaves the heap in
// O(log n).
//
// The keys live in the heap's own array, next to the node pointers, rather than in the nodes:
// comparing siblings then reads one or two contiguous cache lines instead of one node per
// sibling scattered over frames and records, and a node (which may sit in every sleeping frame,
// or in every task record) carries only its slot number. Four children per node halve the depth
// of a binary heap for the same few cache lines per level.

#include <cstdint>
#include <vector>

#include "asynclab/clock.hpp"
#include "asynclab/detail/ready_node.hpp"

namespace asynclab::detail {

/// A ready-queue entry that can wait in the timer heap first: when its deadline passes, the loop
/// moves it to the back of the ready queue, where it fires like any other entry.
struct TimerNode : ReadyNode {
    static constexpr std::uint32_t not_in_heap = UINT32_MAX;
    using ReadyNode::ReadyNode;

    std::uint32_t heap_index = not_in_heap;

    [[nodiscard]] bool in_heap() const noexcept { return heap_index != not_in_heap; }
};

class TimerHeap {
  public:
    void push(TimerNode* node, Duration deadline);
    void remove(TimerNode* node) noexcept;
    /// Takes the earliest timer out. Precondition: !empty().
    TimerNode* pop() noexcept;

    [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
    /// The earliest deadline. Precondition: !empty().
    [[nodiscard]] Duration top_deadline() const noexcept { return heap_.front().deadline; }

  private:
    struct Entry {
        Duration deadline;
        std::uint64_t seq;  // arrival order: ties fire first in, first out
        TimerNode* node;
    };
    static constexpr std::size_t arity = 4;

    static bool before(const Entry& a, const Entry& b) noexcept {
        return a.deadline != b.deadline ? a.deadline < b.deadline : a.seq < b.seq;
    }
    void place(std::size_t i, const Entry& entry) noexcept;
    void sift_up(std::size_t i, Entry entry) noexcept;
    void sift_down(std::size_t i, Entry entry) noexcept;

    std::vector<Entry> heap_;
    std::uint64_t next_seq_ = 0;
};

}  // namespace asynclab::detail

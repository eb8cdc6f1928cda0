#pragma once
// An entry of the loop's ready queue: something to run on the next loop turn. A task's resumption
// is one; so is a fired timer or a task-completion callback, which — as in asyncio — run one turn
// before the task they wake, so the same program interleaves exactly as it does under asyncio.

#include "asynclab/detail/intrusive_list.hpp"

namespace asynclab::detail {

struct ReadyNode : Link {
    using Fire = void (*)(ReadyNode&) noexcept;
    explicit ReadyNode(Fire f = nullptr) noexcept : fire(f) {}
    Fire fire;
};

}  // namespace asynclab::detail

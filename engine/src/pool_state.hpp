#pragma once
// The thread-pool bridge's state in one loop, engine-only: Loop holds it behind a pointer so that
// loop.hpp, which lessons read, does not show it.

#include <cstdint>

#include "asynclab/detail/intrusive_list.hpp"
#include "asynclab/detail/timer_heap.hpp"
#include "asynclab/executor.hpp"

namespace asynclab::detail {

/// Jobs are numbered per loop for the trace, and on the virtual clock the pool is simulated —
/// busy threads, the FIFO of jobs waiting for one, and the jobs still running for tasks cancelled
/// meanwhile (freed with the loop).
struct PoolState {
    PoolState() = default;
    PoolState(const PoolState&) = delete;
    PoolState& operator=(const PoolState&) = delete;
    ~PoolState();  // in executor.cpp

    std::uint64_t next_job = 1;
    unsigned busy = 0;
    IntrusiveList<TimerNode> waiting;
    /// Real jobs awaited during this turn, handed to libuv's pool together at its end: in one
    /// burst the pool's threads stay busy instead of going to sleep, and being woken, between
    /// one job and the next.
    IntrusiveList<TimerNode> unsubmitted;
    IntrusiveList<PoolOrphanLink> orphans;
};

}  // namespace asynclab::detail

#pragma once
// The loop's engine-only interface: what awaiters, tasks and the thread-pool bridge do to a loop
// and a lesson may not. Engine .cpp files only; loop.hpp keeps these members private.

#include <string>
#include <string_view>

#include "asynclab/loop.hpp"
#include "pool_state.hpp"

namespace asynclab::detail {

class LoopInternals {
  public:
    using Uv = Loop::Uv;

    static void schedule(Loop& loop, ReadyNode& node) noexcept { loop.schedule(node); }
    static void add_timer(Loop& loop, TimerNode& node, Duration deadline) {
        loop.add_timer(node, deadline);
    }
    static void remove_timer(Loop& loop, TimerNode& node) noexcept { loop.remove_timer(node); }
    /// Moves the virtual clock on while the loop thread is busy (blocking work on the loop).
    static void advance_virtual(Loop& loop, Duration d) noexcept { loop.advance_virtual(d); }
    static bool paced(const Loop& loop) noexcept { return loop.options_.paced; }
    /// An engine complaint, to the loop's exception handler.
    static void report(Loop& loop, const std::string& message) { loop.report(message); }

    static void task_finished(Loop& loop) noexcept { loop.task_finished(); }
    static void set_current(Loop& loop, TaskCore* task) noexcept { loop.set_current(task); }

    // The thread-pool bridge (executor.cpp); see Loop's members of the same names.
    static void pool_job_started(Loop& loop) noexcept { loop.pool_job_started(); }
    static void pool_job_delivered(Loop& loop) noexcept { loop.pool_job_delivered(); }
    static void pool_job_finished_off_thread(Loop& loop) noexcept {
        loop.pool_job_finished_off_thread();
    }
    static void pool_job_acknowledged(Loop& loop) noexcept { loop.pool_job_acknowledged(); }
    static PoolState& pool_state(Loop& loop) noexcept { return loop.pool_state(); }
    static void submit_pool_jobs(Loop& loop) { loop.submit_pool_jobs(); }
    static Uv& uv(Loop& loop) noexcept { return loop.uv(); }
};

}  // namespace asynclab::detail

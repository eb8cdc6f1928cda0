#pragma once
// Structured concurrency (asyncio.TaskGroup): the group's block does not end before every task it
// spawned has finished. When a child fails, the group cancels the other children and the block
// itself, waits for all of them to clean up, and raises an ExceptionGroup with every failure.
//
//   co_await task_group([&](TaskGroup& group) -> Task<void> {
//       group.spawn(fetch("a"), "a");
//       group.spawn(fetch("b"), "b");
//       co_return;
//   });
//
// The body is a callable taking TaskGroup& and returning a Task; task_group keeps it alive until
// the group is done, so a capturing lambda is safe here.

#include <exception>
#include <list>
#include <string_view>
#include <utility>
#include <vector>

#include "asynclab/detail/task_core.hpp"
#include "asynclab/errors.hpp"
#include "asynclab/task.hpp"
#include "asynclab/task_handle.hpp"

namespace asynclab {

class TaskGroup {
  public:
    TaskGroup();
    ~TaskGroup();
    TaskGroup(const TaskGroup&) = delete;
    TaskGroup& operator=(const TaskGroup&) = delete;

    /// Spawns a child. Throws RuntimeError once the group is finishing or aborting.
    template <class T>
    TaskHandle<T> spawn(Task<T> task, std::string_view name = {}) {
        check_open();
        TaskHandle<T> handle = asynclab::spawn(std::move(task), name);
        watch(handle.core());
        return handle;
    }

    /// asyncio's __aexit__: waits for every child, then raises what the group must raise.
    /// `body_error` is what the body threw, or nullptr.
    Task<void> finish(std::exception_ptr body_error);

  private:
    struct Watch : detail::DoneWaiter {
        Watch(TaskGroup& g, detail::TaskCore& c) noexcept;
        static void on_done(detail::DoneWaiter& w) noexcept;
        static void on_fire(detail::ReadyNode& n) noexcept;
        TaskGroup* group;
        detail::CoreRef<detail::TaskCore> child;  // the group keeps its children's records alive
    };
    class JoinAwaiter;

    void check_open() const;
    void watch(detail::TaskCore& child);
    void child_done(Watch& watch) noexcept;
    void abort() noexcept;

    detail::TaskCore* parent_;
    std::list<Watch> watches_;
    std::vector<std::exception_ptr> errors_;
    JoinAwaiter* joiner_ = nullptr;
    bool aborting_ = false;
    bool exiting_ = false;
    bool parent_cancel_requested_ = false;
    bool propagate_cancel_ = false;
};

/// Runs `body(group)` and then waits for the whole group (see the top of this file).
template <class Body>
Task<void> task_group(Body body) {
    TaskGroup group;
    std::exception_ptr body_error;
    try {
        co_await body(group);
    } catch (...) {
        body_error = std::current_exception();
    }
    co_await group.finish(body_error);
}

}  // namespace asynclab

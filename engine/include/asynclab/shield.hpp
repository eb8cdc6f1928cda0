#pragma once
// shield(): await a task without cancelling it when the awaiting task is cancelled
// (asyncio.shield). The awaiting task hears Cancelled at once; the shielded task runs on, for
// whoever else awaits it — the basis of sharing one piece of work among many callers.
//
//   TaskHandle<int> fetch = spawn(load(key), "fetch");
//   int value = co_await shield(fetch);   // cancelling this task leaves `fetch` running
//
// Like asyncio's, the wake-up takes two hops: the finished task's done callback runs on the next
// turn and wakes the awaiting task, which runs on the turn after. A task that is already done
// gives its result without suspending. The shielded task's failure or cancellation is raised in
// the awaiting task.

#include <coroutine>

#include "asynclab/detail/task_core.hpp"
#include "asynclab/task.hpp"
#include "asynclab/task_handle.hpp"

namespace asynclab {

namespace detail {

class ShieldWait final : public Suspension, public DoneWaiter {
  public:
    explicit ShieldWait(TaskCore& inner) noexcept;
    ~ShieldWait();
    ShieldWait(const ShieldWait&) = delete;
    ShieldWait& operator=(const ShieldWait&) = delete;

    bool await_ready() const noexcept { return inner_.done(); }
    void await_suspend(std::coroutine_handle<> h);
    void await_resume() { end(); }

    [[nodiscard]] WaitTarget target() const noexcept override {
        return {WaitKind::Task, {}, &inner_};
    }
    void detach() noexcept override;

  private:
    static void on_done(DoneWaiter& w) noexcept;
    static void on_fire(ReadyNode& n) noexcept;
    TaskCore& inner_;
};

}  // namespace detail

/// The task's result, awaited without passing a cancellation of the awaiting task on to it.
template <class T>
Task<T> shield(TaskHandle<T> inner) {
    co_await detail::ShieldWait(inner.core());
    co_return inner.result();
}

}  // namespace asynclab

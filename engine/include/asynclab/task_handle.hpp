#pragma once
// TaskHandle<T>: what spawn returns (asyncio: a Task). done / cancelled / result / exception /
// cancel / name, and awaitable by any number of tasks. Awaiting a task and then being cancelled
// cancels the awaited task too and keeps waiting for it to finish, as in asyncio.

#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "asynclab/detail/task_core.hpp"
#include "asynclab/detail/to_value.hpp"
#include "asynclab/errors.hpp"
#include "asynclab/loop.hpp"
#include "asynclab/task.hpp"

namespace asynclab {

namespace detail {

template <class T>
class TaskState final : public TaskCore {
  public:
    // Leaves value_ unconstructed until the task completes.
    TaskState(Loop& loop, std::uint64_t id, std::string_view name) : TaskCore(loop, id, name) {}
    static void* operator new(std::size_t size) { return allocate_record(size); }
    static void operator delete(void* p, std::size_t size) noexcept { free_record(p, size); }

    /// Precondition: the task completed.
    [[nodiscard]] const T& value() const noexcept { return value_; }

    [[nodiscard]] Value result_value() const override {
        return has_value_ ? to_value(value_) : Value();
    }

  private:
    ~TaskState() override {
        if (has_value_) value_.~T();
    }

    void collect(std::coroutine_handle<> root) noexcept override {
        auto& promise = std::coroutine_handle<Promise<T>>::from_address(root.address()).promise();
        if (!promise.has_value()) {
            root_returned(promise.error());
            return;
        }
        new (&value_) T(std::move(promise.value()));
        has_value_ = true;
        root_returned(nullptr);
    }

    // A union, not std::optional: TaskCore's flag byte says whether it holds a value, which saves
    // optional's own flag — 8 bytes with padding — in every record.
    union {
        T value_;
    };
};

template <>
class TaskState<void> final : public TaskCore {
  public:
    using TaskCore::TaskCore;
    static void* operator new(std::size_t size) { return allocate_record(size); }
    static void operator delete(void* p, std::size_t size) noexcept { free_record(p, size); }

  private:
    ~TaskState() override = default;

    void collect(std::coroutine_handle<> root) noexcept override {
        root_returned(
            std::coroutine_handle<Promise<void>>::from_address(root.address()).promise().error());
    }
};

/// The result of a finished task, as awaiting it or result() gives it.
template <class T>
T completed_result(TaskState<T>& state) {
    state.throw_if_not_completed();
    state.mark_retrieved();
    if constexpr (!std::is_void_v<T>) return state.value();
}

/// Suspends until a task finishes; being cancelled meanwhile cancels that task and keeps waiting.
template <class T>
class TaskAwaiter final : public Suspension, public DoneWaiter {
  public:
    explicit TaskAwaiter(TaskState<T>& state) noexcept
        : DoneWaiter(&on_done), state_((state.add_ref(), &state)) {}
    TaskAwaiter(TaskAwaiter&& o) noexcept : DoneWaiter(&on_done), state_(std::move(o.state_)) {}
    ~TaskAwaiter() { detach(); }

    bool await_ready() const noexcept { return state_->done(); }
    void await_suspend(std::coroutine_handle<> h) {
        if (Loop::current().current_task() == state_.get()) {
            throw RuntimeError("a task cannot await itself");
        }
        if (begin(h)) state_->add_done_waiter(*this);
    }
    T await_resume() {
        end();
        return completed_result(*state_);
    }

    WaitTarget target() const noexcept override { return {WaitKind::Task, {}, state_.get()}; }
    bool forward_cancel() noexcept override { return state_->cancel(); }
    void detach() noexcept override {
        if (DoneWaiter::linked()) state_->remove_done_waiter(*this);
    }

  private:
    static void on_done(DoneWaiter& w) noexcept { static_cast<TaskAwaiter&>(w).wake(); }
    CoreRef<TaskState<T>> state_;  // the awaited record outlives the wait, whatever owns handles
};

}  // namespace detail

template <class T>
class TaskHandle {
  public:
    using value_type = T;
    TaskHandle() = default;

    [[nodiscard]] bool done() const noexcept { return state_->done(); }
    [[nodiscard]] bool cancelled() const noexcept {
        return state_->status() == TaskStatus::Cancelled;
    }
    [[nodiscard]] TaskStatus status() const noexcept { return state_->status(); }
    [[nodiscard]] std::string name() const { return state_->name(); }
    [[nodiscard]] std::uint64_t id() const noexcept { return state_->id(); }

    /// Requests cancellation; false when the task is already done.
    bool cancel() noexcept { return state_->cancel(); }

    /// The value; rethrows the task's exception, throws Cancelled if it was cancelled and
    /// InvalidStateError while it is still pending.
    T result() const { return detail::completed_result(*state_); }

    /// The task's exception, or nullptr when it completed; throws as result() does for a
    /// cancelled or pending task.
    [[nodiscard]] std::exception_ptr exception() const {
        if (state_->status() == TaskStatus::Failed) return state_->take_error();
        state_->throw_if_not_completed();
        return nullptr;
    }

    auto operator co_await() const noexcept { return detail::TaskAwaiter<T>(*state_); }

    [[nodiscard]] detail::TaskCore& core() const noexcept { return *state_.get(); }
    explicit operator bool() const noexcept { return static_cast<bool>(state_); }

  private:
    friend class Loop;
    explicit TaskHandle(detail::TaskState<T>* adopted) noexcept : state_(adopted) {}
    detail::CoreRef<detail::TaskState<T>> state_;
};

template <class T>
TaskHandle<T> Loop::spawn(Task<T> task, std::string_view name) {
    if (!task.valid()) throw ValueError("spawn: the task was already awaited or spawned");
    auto frame = task.release();
    auto* state = new detail::TaskState<T>(*this, next_task_id_++, name);
    state->add_ref();  // the handle's; the first is the loop's until the task is done
    task_created(*state, name);
    state->start(frame);
    return TaskHandle<T>(state);
}

template <class T>
T Loop::run(Task<T> main, std::string_view name) {
    TaskHandle<T> handle = spawn(std::move(main), name);
    run_until_done(handle.core());
    return handle.result();
}

/// asyncio.create_task on the running loop.
template <class T>
TaskHandle<T> spawn(Task<T> task, std::string_view name = {}) {
    return Loop::current().spawn(std::move(task), name);
}

}  // namespace asynclab

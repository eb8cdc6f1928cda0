#pragma once
// The engine's record of one spawned task (asyncio: a Task object): identity, state, the frame it
// runs, what it is suspended on, and who waits for it. Shared by the loop (while the task runs)
// and by TaskHandles, through an intrusive reference count.

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "asynclab/detail/intrusive_list.hpp"
#include "asynclab/detail/ready_node.hpp"
#include "asynclab/task_status.hpp"
#include "asynclab/trace.hpp"

namespace asynclab {
class Loop;
}

namespace asynclab::detail {

class TaskCore;

/// Waits for a task to finish. When it does, on_done runs at once (inside the finishing step) and
/// typically queues something: the waiting task itself, or — for combinators, as asyncio's done
/// callbacks — this node, whose fire() then runs on the next turn.
struct DoneWaiter : ReadyNode {
    using OnDone = void (*)(DoneWaiter&) noexcept;
    explicit DoneWaiter(OnDone done, Fire then = nullptr) noexcept : ReadyNode(then), on_done(done) {}
    OnDone on_done;
};

/// The leaf awaiter a task is suspended in (a sleep, a queue get, awaiting another task...).
class Suspension {
public:
    /// The task is being cancelled while suspended here. Awaiting another task or a group passes
    /// the cancellation on to it and keeps waiting (returns true), as asyncio does; anything else
    /// returns false and is detach()ed, and the task wakes with Cancelled.
    virtual bool forward_cancel() noexcept { return false; }

    /// Leave the waiter list / timer heap / ready queue this suspension is linked into.
    virtual void detach() noexcept = 0;

    /// What the task waits on, for traces and deadlock reports: "queue.get (empty)".
    [[nodiscard]] virtual std::string what() const = 0;
    [[nodiscard]] virtual WaitKind kind() const noexcept = 0;

protected:
    Suspension() = default;
    Suspension(const Suspension&) = delete;
    Suspension& operator=(const Suspension&) = delete;
    ~Suspension() = default;

    /// Marks the running task as suspended here. Returns false when a cancellation is already
    /// pending: the task has been re-queued at once and must not register anywhere.
    bool begin(std::coroutine_handle<> h);

    /// Queues the task to resume (never inline: the waker always returns first).
    void wake() noexcept;

    /// In await_resume: throws Cancelled when a cancellation reached the task while it was here.
    void end();

    /// Takes a pending cancellation instead of throwing it; returns whether there was one.
    bool consume_cancel() noexcept;

    /// True when a cancellation is pending for the task (checked before end() throws, so that an
    /// awaiter holding a hand-off can pass it on).
    [[nodiscard]] bool cancel_pending() const noexcept;

    TaskCore* task_ = nullptr;
};

/// Links a task into its loop's registry of task records.
struct RegistryLink : Link {};

class TaskCore : public ReadyNode, public RegistryLink {
public:
    TaskCore(Loop& loop, std::uint64_t id, std::string_view name);
    TaskCore(const TaskCore&) = delete;
    TaskCore& operator=(const TaskCore&) = delete;

    [[nodiscard]] std::uint64_t id() const noexcept { return id_; }
    [[nodiscard]] std::string name() const;
    [[nodiscard]] TaskStatus status() const noexcept { return status_; }
    [[nodiscard]] bool done() const noexcept { return status_ != TaskStatus::Pending; }
    [[nodiscard]] bool started() const noexcept { return started_; }
    [[nodiscard]] Loop* loop() const noexcept { return loop_; }

    /// asyncio Task.cancel(): false when already done; otherwise the task's current (or next)
    /// suspension point throws Cancelled.
    bool cancel() noexcept;
    /// How many cancellations are pending (asyncio Task.cancelling()).
    [[nodiscard]] std::uint32_t cancelling() const noexcept { return cancel_requests_; }
    /// Takes one cancellation request back (asyncio Task.uncancel()); returns how many remain.
    std::uint32_t uncancel() noexcept;

    /// The failure, or nullptr; marks it retrieved. Precondition: status() == Failed.
    [[nodiscard]] std::exception_ptr take_error() noexcept;
    /// Throws what result() throws for a task that did not complete: Cancelled, the failure
    /// (marking it retrieved), or InvalidStateError while pending.
    void throw_if_not_completed();
    void mark_retrieved() noexcept { retrieved_ = true; }

    void add_ref() noexcept { ++refs_; }
    void release() noexcept;

    // --- engine internals ------------------------------------------------------------------
    void add_done_waiter(DoneWaiter& waiter) noexcept { done_waiters_.push_back(&waiter); }
    void start(std::coroutine_handle<> frame) noexcept;
    /// The root frame returned or threw: record how, and wake whoever waits.
    void root_returned(std::exception_ptr error) noexcept {
        error_ = std::move(error);
        returned_ = true;
    }
    /// Destroys a frame that can never finish (teardown after a deadlock).
    void abandon() noexcept;
    void detach_from_loop() noexcept { loop_ = nullptr; }

    std::coroutine_handle<> resume_point;  ///< The innermost suspended frame of this task.
    Suspension* waiting_on = nullptr;      ///< Set while suspended in a leaf awaiter.
    bool must_cancel = false;              ///< A cancellation is to be thrown at the next resume.

protected:
    virtual ~TaskCore();

private:
    static void run_step(ReadyNode& self) noexcept;
    void step() noexcept;
    void finish() noexcept;
    void trace(EventType type, std::string_view detail = {}) const;

    IntrusiveList<DoneWaiter> done_waiters_;
    std::coroutine_handle<> frame_;
    Loop* loop_;
    std::exception_ptr error_;
    std::unique_ptr<char[]> name_;  // null: "Task-<id>", as asyncio names them
    std::uint64_t id_;
    std::uint32_t refs_ = 1;  // the loop's, until the task is done
    std::uint32_t cancel_requests_ = 0;
    TaskStatus status_ = TaskStatus::Pending;
    bool started_ = false;
    bool returned_ = false;   // the root frame has reached its final suspend
    bool retrieved_ = false;  // someone has seen the failure (no "never retrieved" report)
    bool forwarding_ = false; // inside cancel(): stops cycles of tasks awaiting each other
};

/// A reference-counted pointer to a task record.
template <class Core>
class CoreRef {
public:
    CoreRef() = default;
    /// Adopts one reference.
    explicit CoreRef(Core* core) noexcept : core_(core) {}
    CoreRef(const CoreRef& o) noexcept : core_(o.core_) {
        if (core_) core_->add_ref();
    }
    CoreRef(CoreRef&& o) noexcept : core_(std::exchange(o.core_, nullptr)) {}
    CoreRef& operator=(CoreRef o) noexcept {
        std::swap(core_, o.core_);
        return *this;
    }
    ~CoreRef() {
        if (core_) core_->release();
    }
    Core* get() const noexcept { return core_; }
    Core* operator->() const noexcept { return core_; }
    Core& operator*() const noexcept { return *core_; }
    explicit operator bool() const noexcept { return core_ != nullptr; }

private:
    Core* core_ = nullptr;
};

}  // namespace asynclab::detail

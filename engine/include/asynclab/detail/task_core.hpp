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
#include "asynclab/detail/timer_heap.hpp"
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
    explicit DoneWaiter(OnDone done, Fire then = nullptr) noexcept
        : ReadyNode(then), on_done(done) {}
    OnDone on_done;
};

/// A combinator (gather, wait) that watches a task through the task's record instead of a
/// DoneWaiter of its own — the common case of a task gathered once, where a million children would
/// otherwise cost a million nodes. The finished task's record, which never runs again, takes the
/// done callback's turn in the ready queue itself and then calls child_done.
class TaskWatcher {
  public:
    virtual void child_done(TaskCore& child) noexcept = 0;

  protected:
    TaskWatcher() = default;
    TaskWatcher(const TaskWatcher&) = delete;
    TaskWatcher& operator=(const TaskWatcher&) = delete;
    ~TaskWatcher() = default;
};

/// What a suspension waits on: its kind, the primitive's name ("queue"), or the awaited task.
struct WaitTarget {
    WaitKind kind = WaitKind::Other;
    std::string_view name;
    const TaskCore* task = nullptr;  ///< For WaitKind::Task; the name is then the task's.
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

    /// What the task waits on, for traces and deadlock reports. Names it views must outlive the
    /// suspension.
    [[nodiscard]] virtual WaitTarget target() const noexcept = 0;
    /// The same for a person: "queue.get (empty)", "task fetch-1".
    [[nodiscard]] std::string what() const;

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

/// The record of a spawned task. There is one per task alive at once — a million in a benchmark,
/// thousands in a server — so its size is counted: 120 bytes, plus the result slot of TaskState<T>
/// (8 for an int or a pointer). What makes it small:
///   - rarely used fields (a name, a failure) live in a side block made on first use;
///   - the list of tasks waiting for this one has a one-pointer head (CompactList);
///   - a task's own ReadyNode doubles as the timer of sleep(): a sleeping task's record waits in
///     the timer heap, and the sleeping frame carries no timer node of its own (sleep_until) —
///     and, once the task is done, as its watcher's done callback (try_watch);
///   - the id, the count of cancellation requests, the status and the flags share one word, and
///     the members are ordered so that no padding is left between them.
class TaskCore : public RegistryLink, public TimerNode {
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
    /// Requests beyond this many are not counted (an uncancel() per request still balances them
    /// until then).
    static constexpr std::uint32_t max_cancelling = 0xFFFF;
    /// Takes one cancellation request back (asyncio Task.uncancel()); returns how many remain.
    std::uint32_t uncancel() noexcept;

    /// The failure, or nullptr; marks it retrieved. Precondition: status() == Failed.
    [[nodiscard]] std::exception_ptr take_error() noexcept;
    /// Throws what result() throws for a task that did not complete: Cancelled, the failure
    /// (marking it retrieved), or InvalidStateError while pending.
    void throw_if_not_completed() {
        if (status_ != TaskStatus::Completed) throw_not_completed();
    }
    void mark_retrieved() noexcept { retrieved_ = true; }

    void add_ref() noexcept { ++refs_; }
    void release() noexcept;

    // --- engine internals ------------------------------------------------------------------
    void add_done_waiter(DoneWaiter& waiter) noexcept { done_waiters_.push_back(&waiter); }
    /// Takes a linked waiter off this task: out of the task's list while it is pending, out of the
    /// ready queue (where a combinator's waiter goes when the task is done) afterwards.
    void remove_done_waiter(DoneWaiter& waiter) noexcept;
    /// Lets `w` watch this task without a DoneWaiter, when no one waits for it yet (so that
    /// whoever waits is still told in the order they came) and no other watcher has the record.
    /// On a finished task the report is queued at once, as a done callback added to a finished
    /// asyncio future is. Returns false when `w` needs a DoneWaiter instead.
    bool try_watch(TaskWatcher& w) noexcept;
    /// Stops `w` watching, if it does; a report queued but not yet run is dropped.
    void unwatch(TaskWatcher& w) noexcept;
    void start(std::coroutine_handle<> frame) noexcept;
    /// Destroys a frame that can never finish (teardown after a deadlock).
    void abandon() noexcept;
    void detach_from_loop() noexcept { loop_ = nullptr; }

    /// sleep(): the record itself waits in the timer heap until `deadline`, then takes a turn in
    /// the ready queue as the timer's entry — which wakes the task, so the task runs one turn after
    /// its timer fired, as after any timer callback.
    void sleep_until(Duration deadline);
    /// The sleep ends early (cancelled, or its frame destroyed): out of the heap or the queue.
    void stop_sleeping() noexcept;

  protected:
    /// The root frame returned or threw: record how (the error is nullptr after a value).
    void root_returned(std::exception_ptr error) noexcept;
    /// Moves the outcome out of the finished root frame's promise (TaskState<T> knows its type).
    virtual void collect(std::coroutine_handle<> root) noexcept = 0;
    /// The value for the trace, kept before the Completed event; none when there is none.
    [[nodiscard]] virtual Value result_value() const { return {}; }
    virtual ~TaskCore();

  private:
    /// Fields most tasks never use.
    struct Extras {
        std::string name;  // empty: "Task-<id>", as asyncio names them
        std::exception_ptr error;
    };

    [[noreturn]] void throw_not_completed();
    /// The cancellation stops at this task: out of its wait, if any, and Cancelled at its resume.
    void cancel_here() noexcept;
    static void run_step(ReadyNode& self) noexcept;
    static void on_sleep_timer(ReadyNode& self) noexcept;
    /// The done task's own ready entry takes its watcher's report to the next turn.
    void queue_report() noexcept;
    static void report_to_watcher(ReadyNode& self) noexcept;
    void step() noexcept;
    void finish() noexcept;
    void trace(EventType type) const;
    [[nodiscard]] std::exception_ptr error() const noexcept {
        return extras_ ? extras_->error : nullptr;
    }
    Extras& extras();

    // The data, in layout order (see the top of the class): refs_ fills the 4 bytes after
    // TimerNode's heap_index, the flags share one byte.
    std::uint32_t refs_ = 1;  // the loop's, until the task is done

  public:
    std::coroutine_handle<> resume_point;  ///< The innermost suspended frame of this task.
    Suspension* waiting_on = nullptr;      ///< Set while suspended in a leaf awaiter.

  private:
    CompactList<DoneWaiter> done_waiters_;
    TaskWatcher* watcher_ = nullptr;
    std::coroutine_handle<> frame_;
    Loop* loop_;
    std::unique_ptr<Extras> extras_;
    std::uint64_t id_ : 40;  // a trillion tasks per loop
    std::uint64_t cancel_requests_ : 16 = 0;
    TaskStatus status_ : 2 = TaskStatus::Pending;
    bool started_ : 1 = false;
    bool returned_ : 1 = false;    // the root frame has reached its final suspend
    bool retrieved_ : 1 = false;   // someone has seen the failure (no "never retrieved" report)
    bool forwarding_ : 1 = false;  // inside cancel(): stops cycles of tasks awaiting each other

  public:
    bool must_cancel : 1 = false;  ///< A cancellation is to be thrown at the next resume.

  protected:
    bool has_value_ : 1 = false;  ///< TaskState<T> holds a value.
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

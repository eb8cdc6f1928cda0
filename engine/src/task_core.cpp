#include "asynclab/detail/task_core.hpp"

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "asynclab/errors.hpp"
#include "asynclab/loop.hpp"
#include "asynclab/task.hpp"
#include "loop_internals.hpp"

namespace asynclab::detail {

// --- Suspension ------------------------------------------------------------------------------

bool Suspension::begin(std::coroutine_handle<> h) {
    Loop& loop = Loop::current();
    task_ = loop.current_task();
    task_->resume_point = h;
    if (loop.trace() != nullptr) loop.record_wait(target());
    if (task_->must_cancel) {
        // asyncio cancels the future such an await yields at once: the task comes straight back.
        detail::LoopInternals::schedule(loop, *task_);
        return false;
    }
    task_->waiting_on = this;
    return true;
}

std::string Suspension::what() const {
    const WaitTarget t = target();
    return describe_wait(t.kind, t.task != nullptr ? t.task->name() : std::string(t.name));
}

void Suspension::wake() noexcept {
    task_->waiting_on = nullptr;
    detail::LoopInternals::schedule(*task_->loop(), *task_);
}

bool Suspension::cancel_pending() const noexcept {
    return task_ != nullptr && task_->must_cancel;
}

bool Suspension::consume_cancel() noexcept {
    if (!cancel_pending()) return false;
    task_->must_cancel = false;
    return true;
}

void Suspension::end() {
    if (cancel_pending()) {
        task_->must_cancel = false;
        throw Cancelled{};
    }
}

// --- TaskCore --------------------------------------------------------------------------------

// The record's size is what every live task costs (see the class); keep an eye on it.
static_assert(sizeof(void*) != 8 || sizeof(TaskCore) <= 120, "TaskCore grew: count its bytes");

namespace {
constexpr std::uint64_t id_mask = (std::uint64_t{1} << 40) - 1;  // the width of TaskCore::id_
}  // namespace

TaskCore::TaskCore(Loop& loop, std::uint64_t id, std::string_view name)
    : TimerNode(&run_step), loop_(&loop), id_(id & id_mask) {
    if (!name.empty()) extras().name = name;
}

TaskCore::~TaskCore() {
    if (frame_) frame_.destroy();
}

TaskCore::Extras& TaskCore::extras() {
    if (!extras_) extras_ = std::make_unique<Extras>();
    return *extras_;
}

std::string TaskCore::name() const {
    if (extras_ && !extras_->name.empty()) return extras_->name;
    // format_int: a traced run names every task, and this is fmt's fast path for it. Built in
    // place: "Task-" + str() would make the string twice.
    const fmt::format_int digits(static_cast<std::uint64_t>(id_));
    std::string name;
    name.reserve(5 + digits.size());
    name.append("Task-").append(digits.data(), digits.size());
    return name;
}

namespace {
/// While a cancellation is being passed down, the tasks it reaches are collected here rather than
/// cancelled on the spot: a chain of a million tasks each awaiting the next would otherwise recurse
/// a million frames deep (cancel -> forward_cancel -> cancel ...).
thread_local std::vector<TaskCore*>* reached = nullptr;
}  // namespace

bool TaskCore::cancel() noexcept {
    if (done()) return false;
    if (cancel_requests_ < max_cancelling) ++cancel_requests_;
    if (reached != nullptr) {
        reached->push_back(this);  // its turn comes in the walk below, in the recursion's order
        return true;
    }
    if (waiting_on == nullptr || forwarding_) {
        cancel_here();
        return true;
    }
    // A depth-first walk that does what the recursion did, in the same order: a task awaiting a
    // task or a gather forwards the cancellation (forwarding_ set while those below it are
    // handled, so a cycle of tasks awaiting each other comes back to a set flag and is woken
    // instead), and is woken itself only if there was nothing to forward to.
    struct Step {
        TaskCore* task;
        bool leaving;    // its forwards are done
        bool forwarded;  // (leaving) the wait passed the cancellation on and goes on
    };
    std::vector<Step> stack{{this, false, false}};
    std::vector<TaskCore*> found;
    while (!stack.empty()) {
        const Step step = stack.back();
        stack.pop_back();
        TaskCore& task = *step.task;
        if (step.leaving) {
            task.forwarding_ = false;
            if (!step.forwarded) task.cancel_here();
        } else if (task.waiting_on != nullptr && !task.forwarding_) {
            task.forwarding_ = true;
            found.clear();
            reached = &found;
            const bool forwarded = task.waiting_on->forward_cancel();
            reached = nullptr;
            stack.push_back({&task, true, forwarded});
            for (auto it = found.rbegin(); it != found.rend(); ++it)
                stack.push_back({*it, false, false});
        } else {
            task.cancel_here();
        }
    }
    return true;
}

void TaskCore::cancel_here() noexcept {
    if (waiting_on != nullptr) {
        std::exchange(waiting_on, nullptr)->detach();
        detail::LoopInternals::schedule(*loop_, *this);
    }
    must_cancel = true;
}

std::uint32_t TaskCore::uncancel() noexcept {
    if (cancel_requests_ > 0) --cancel_requests_;
    // With no request left, a cancellation not yet delivered is withdrawn too (asyncio 3.13).
    if (cancel_requests_ == 0) must_cancel = false;
    return cancel_requests_;
}

std::exception_ptr TaskCore::take_error() noexcept {
    retrieved_ = true;
    return error();
}

void TaskCore::throw_not_completed() {
    switch (status_) {
        case TaskStatus::Cancelled:
            throw Cancelled{};
        case TaskStatus::Failed:
            retrieved_ = true;
            std::rethrow_exception(error());
        default:
            throw InvalidStateError(fmt::format("task {} is not done yet", name()));
    }
}

void TaskCore::release() noexcept {
    if (--refs_ > 0) return;
    if (status_ == TaskStatus::Failed && !retrieved_ && loop_ != nullptr) {
        detail::LoopInternals::report(
            *loop_, fmt::format("Task exception was never retrieved: task {} failed with {}",
                                name(), describe(error())));
    }
    if (RegistryLink::linked()) RegistryLink::unlink();
    delete this;
}

void TaskCore::remove_done_waiter(DoneWaiter& waiter) noexcept {
    // finish() moves the waiters to a list of its own before telling them, so once the task is
    // done a linked waiter is in that list or in the ready queue: plain links either way.
    if (done()) {
        waiter.unlink();
    } else {
        done_waiters_.remove(&waiter);
    }
}

bool TaskCore::try_watch(TaskWatcher& w) noexcept {
    if (watcher_ != nullptr || !done_waiters_.empty()) return false;
    watcher_ = &w;
    if (done()) queue_report();
    return true;
}

void TaskCore::unwatch(TaskWatcher& w) noexcept {
    if (watcher_ != &w) return;
    watcher_ = nullptr;
    // A pending task's entry may be queued for its own step; a done one's only for the report.
    if (done() && TimerNode::linked()) TimerNode::unlink();
}

void TaskCore::queue_report() noexcept {
    fire = &report_to_watcher;
    detail::LoopInternals::schedule(*loop_, *this);
}

void TaskCore::report_to_watcher(ReadyNode& self) noexcept {
    auto& task = static_cast<TaskCore&>(static_cast<TimerNode&>(self));
    std::exchange(task.watcher_, nullptr)->child_done(task);
}

void TaskCore::start(std::coroutine_handle<> frame) noexcept {
    frame_ = resume_point = frame;
    detail::LoopInternals::schedule(*loop_, *this);
}

void TaskCore::root_returned(std::exception_ptr error) noexcept {
    if (error) extras().error = std::move(error);
    returned_ = true;
}

// Every step asks, and a loop seldom traces: defined here, ahead of step(), to be inlined.
inline void TaskCore::trace(EventType type) const {
    if (loop_->trace() != nullptr) loop_->record(type, {}, {}, this);
}

void TaskCore::run_step(ReadyNode& self) noexcept {
    static_cast<TaskCore&>(static_cast<TimerNode&>(self)).step();
}

void TaskCore::sleep_until(Duration deadline) {
    fire = &on_sleep_timer;
    detail::LoopInternals::add_timer(*loop_, *this, deadline);
}

void TaskCore::on_sleep_timer(ReadyNode& self) noexcept {
    // The timer's turn: wake the task, which runs on the next one.
    auto& task = static_cast<TaskCore&>(static_cast<TimerNode&>(self));
    task.fire = &run_step;
    task.waiting_on = nullptr;
    detail::LoopInternals::schedule(*task.loop_, task);
}

void TaskCore::stop_sleeping() noexcept {
    if (in_heap()) {
        detail::LoopInternals::remove_timer(*loop_, *this);
    } else if (fire == &on_sleep_timer && TimerNode::linked()) {
        TimerNode::unlink();  // fired, its turn not yet come
    }
    fire = &run_step;
}

void TaskCore::step() noexcept {
    if (!started_) {
        started_ = true;
        if (must_cancel) {
            // Cancelled before its first step: like asyncio, the body never starts.
            must_cancel = false;
            root_returned(std::make_exception_ptr(Cancelled{}));
        } else {
            trace(EventType::Started);
        }
    } else {
        trace(EventType::Resumed);
    }
    if (!returned_) {
        detail::LoopInternals::set_current(*loop_, this);
        std::coroutine_handle<> frame = resume_point;
        do {
            frame.resume();
            frame = std::exchange(next_frame, {});
        } while (frame);
        detail::LoopInternals::set_current(*loop_, nullptr);
        if (frame_.done()) collect(frame_);  // the root frame reached its final suspend
    }
    if (returned_) {
        // Parameters die with the frame: before anyone learns the task is done.
        std::exchange(frame_, {}).destroy();
        finish();
        release();
    }
}

void TaskCore::finish() noexcept {
    std::exception_ptr failure = error();
    if (!failure) {
        // A cancellation requested while the task ran its last step still wins (asyncio).
        status_ = must_cancel ? TaskStatus::Cancelled : TaskStatus::Completed;
    } else if (is_cancelled(failure)) {
        status_ = TaskStatus::Cancelled;
        extras_->error = nullptr;
    } else {
        status_ = TaskStatus::Failed;
    }
    must_cancel = false;
    waiting_on = nullptr;
    switch (status_) {
        case TaskStatus::Completed:
            // The value is kept on the task's record in the trace, not as an event of its own:
            // a traced spawn of a million tasks notices every event.
            if (Trace* t = loop_->trace()) t->set_value(id_, result_value());
            trace(EventType::Completed);
            break;
        case TaskStatus::Cancelled:
            trace(EventType::Cancelled);
            break;
        default:
            if (loop_->trace() != nullptr) {
                loop_->record(EventType::Failed, describe(failure), error_kind(failure), this);
            }
            break;
    }
    detail::LoopInternals::task_finished(*loop_);
    // Told in the order they began to wait; a watcher came when no one else waited, so first.
    if (watcher_ != nullptr) queue_report();
    // The waiters move to a plain list first, so that one of them leaving while another is told
    // needs no head to fix (remove_done_waiter).
    IntrusiveList<DoneWaiter> waiters;
    done_waiters_.move_to(waiters);
    while (DoneWaiter* w = waiters.pop_front()) w->on_done(*w);
}

void TaskCore::abandon() noexcept {
    if (TimerNode::linked()) TimerNode::unlink();
    if (frame_) std::exchange(frame_, {}).destroy();
    root_returned(std::make_exception_ptr(Cancelled{}));
    finish();
    release();
}

}  // namespace asynclab::detail

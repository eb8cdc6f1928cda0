#include "asynclab/detail/task_core.hpp"

#include <fmt/format.h>

#include <cstring>

#include "asynclab/errors.hpp"
#include "asynclab/loop.hpp"
#include "asynclab/task.hpp"

namespace asynclab::detail {

// --- Suspension ------------------------------------------------------------------------------

bool Suspension::begin(std::coroutine_handle<> h) {
    Loop& loop = Loop::current();
    task_ = loop.current_task();
    task_->resume_point = h;
    if (loop.trace() != nullptr) loop.record(EventType::Suspended, what(), kind());
    if (task_->must_cancel) {
        // asyncio cancels the future such an await yields at once: the task comes straight back.
        loop.schedule(*task_);
        return false;
    }
    task_->waiting_on = this;
    return true;
}

void Suspension::wake() noexcept {
    task_->waiting_on = nullptr;
    task_->loop()->schedule(*task_);
}

bool Suspension::cancel_pending() const noexcept { return task_ != nullptr && task_->must_cancel; }

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

TaskCore::TaskCore(Loop& loop, std::uint64_t id, std::string_view name)
    : ReadyNode(&run_step), loop_(&loop), id_(id) {
    if (!name.empty()) {
        name_ = std::make_unique<char[]>(name.size() + 1);
        std::memcpy(name_.get(), name.data(), name.size());
        name_[name.size()] = '\0';
    }
}

TaskCore::~TaskCore() {
    if (frame_) frame_.destroy();
}

std::string TaskCore::name() const {
    return name_ ? std::string(name_.get()) : fmt::format("Task-{}", id_);
}

bool TaskCore::cancel() noexcept {
    if (done()) return false;
    ++cancel_requests_;
    if (waiting_on != nullptr && !forwarding_) {
        // Awaiting a task or a gather: cancel that instead and keep waiting for it. A cycle of
        // tasks awaiting each other comes back here with forwarding_ set and is woken instead.
        forwarding_ = true;
        const bool forwarded = waiting_on->forward_cancel();
        forwarding_ = false;
        if (forwarded) return true;
    }
    if (waiting_on != nullptr) {
        std::exchange(waiting_on, nullptr)->detach();
        loop_->schedule(*this);
    }
    must_cancel = true;
    return true;
}

std::uint32_t TaskCore::uncancel() noexcept {
    if (cancel_requests_ > 0) --cancel_requests_;
    // With no request left, a cancellation not yet delivered is withdrawn too (asyncio 3.13).
    if (cancel_requests_ == 0) must_cancel = false;
    return cancel_requests_;
}

std::exception_ptr TaskCore::take_error() noexcept {
    retrieved_ = true;
    return error_;
}

void TaskCore::throw_if_not_completed() {
    switch (status_) {
        case TaskStatus::Pending:
            throw InvalidStateError(fmt::format("task {} is not done yet", name()));
        case TaskStatus::Cancelled: throw Cancelled{};
        case TaskStatus::Failed: retrieved_ = true; std::rethrow_exception(error_);
        case TaskStatus::Completed: return;
    }
}

void TaskCore::release() noexcept {
    if (--refs_ > 0) return;
    if (status_ == TaskStatus::Failed && !retrieved_ && loop_ != nullptr) {
        loop_->report(fmt::format("Task exception was never retrieved: task {} failed with {}",
                                  name(), describe(error_)));
    }
    if (RegistryLink::linked()) RegistryLink::unlink();
    delete this;
}

void TaskCore::start(std::coroutine_handle<> frame) noexcept {
    frame_ = resume_point = frame;
    loop_->schedule(*this);
}

void TaskCore::run_step(ReadyNode& self) noexcept { static_cast<TaskCore&>(self).step(); }

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
        loop_->set_current(this);
        std::coroutine_handle<> frame = resume_point;
        do {
            frame.resume();
            frame = std::exchange(next_frame, {});
        } while (frame);
        loop_->set_current(nullptr);
    }
    if (returned_) {
        // Parameters die with the frame: before anyone learns the task is done.
        std::exchange(frame_, {}).destroy();
        finish();
        release();
    }
}

void TaskCore::finish() noexcept {
    if (!error_) {
        // A cancellation requested while the task ran its last step still wins (asyncio).
        status_ = must_cancel ? TaskStatus::Cancelled : TaskStatus::Completed;
    } else if (is_cancelled(error_)) {
        status_ = TaskStatus::Cancelled;
        error_ = nullptr;
    } else {
        status_ = TaskStatus::Failed;
    }
    must_cancel = false;
    waiting_on = nullptr;
    switch (status_) {
        case TaskStatus::Completed: trace(EventType::Completed); break;
        case TaskStatus::Cancelled: trace(EventType::Cancelled); break;
        default: trace(EventType::Failed, loop_->trace() ? describe(error_) : std::string()); break;
    }
    loop_->task_finished();
    done_waiters_.for_each([](DoneWaiter& w) {
        w.unlink();
        w.on_done(w);
    });
}

void TaskCore::abandon() noexcept {
    if (ReadyNode::linked()) ReadyNode::unlink();
    if (frame_) std::exchange(frame_, {}).destroy();
    error_ = std::make_exception_ptr(Cancelled{});
    finish();
    release();
}

void TaskCore::trace(EventType type, std::string_view detail) const {
    if (loop_->trace() != nullptr) loop_->record(type, detail, WaitKind::None, {}, this);
}

}  // namespace asynclab::detail

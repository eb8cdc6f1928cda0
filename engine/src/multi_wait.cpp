#include "asynclab/detail/multi_wait.hpp"

#include "asynclab/errors.hpp"
#include "asynclab/loop.hpp"

namespace asynclab::detail {

MultiWait::MultiWait(std::span<TaskCore* const> children, WaitUntil until, bool forward,
                     std::optional<Duration> timeout)
    : TimerNode(&on_timeout),
      children_(children),
      watches_(std::make_unique<Watch[]>(children.size())),
      timeout_(timeout),
      until_(until),
      forward_(forward) {}

MultiWait::~MultiWait() { detach(); }

void MultiWait::await_suspend(std::coroutine_handle<> h) {
    if (!begin(h)) return;
    Loop& loop = *task_->loop();
    if (children_.empty()) {
        wake();
        return;
    }
    for (std::size_t i = 0; i < children_.size(); ++i) {
        Watch& w = watches_[i];
        w.owner = this;
        w.child = children_[i];
        // A child that is already done still reports on the next turn, as a done callback
        // added to a finished asyncio future does.
        if (w.child->done()) {
            loop.schedule(w);
        } else {
            w.child->add_done_waiter(w);
        }
    }
    if (timeout_) loop.add_timer(*this, loop.now() + *timeout_);
}

TaskCore* MultiWait::await_resume() {
    end();
    if (cancel_forwarded_) throw Cancelled{};
    return first_failure_;
}

std::string MultiWait::what() const {
    return forward_ ? "gather" : "wait";
}

void MultiWait::Watch::on_done(DoneWaiter& w) noexcept {
    auto& watch = static_cast<Watch&>(w);
    watch.owner->task_->loop()->schedule(watch);
}

void MultiWait::Watch::on_fire(ReadyNode& n) noexcept {
    auto& watch = static_cast<Watch&>(static_cast<DoneWaiter&>(n));
    watch.owner->child_done(*watch.child);
}

void MultiWait::on_timeout(ReadyNode& n) noexcept {
    static_cast<MultiWait&>(static_cast<TimerNode&>(n)).finish_waiting();
}

void MultiWait::child_done(TaskCore& child) noexcept {
    ++done_;
    const bool all = done_ == children_.size();
    const TaskStatus s = child.status();
    bool wake_now = all;
    if (!cancel_forwarded_) {
        switch (until_) {
            case WaitUntil::FirstFailure:
                if (s != TaskStatus::Completed) {
                    first_failure_ = &child;
                    wake_now = true;
                }
                break;
            case WaitUntil::FirstCompleted: wake_now = true; break;
            case WaitUntil::FirstException: wake_now = all || s == TaskStatus::Failed; break;
            case WaitUntil::AllDone: break;
        }
    }
    if (wake_now) finish_waiting();
}

void MultiWait::finish_waiting() noexcept {
    if (woken_) return;
    woken_ = true;
    detach();
    wake();
}

bool MultiWait::forward_cancel() noexcept {
    if (!forward_) return false;
    bool any = false;
    for (TaskCore* child : children_) any = child->cancel() || any;
    if (any) cancel_forwarded_ = true;
    return any;
}

void MultiWait::detach() noexcept {
    if (in_heap()) {
        task_->loop()->remove_timer(*this);
    } else if (TimerNode::linked()) {
        TimerNode::unlink();
    }
    if (!watches_) return;
    for (std::size_t i = 0; i < children_.size(); ++i) {
        if (watches_[i].linked()) watches_[i].unlink();
    }
}

}  // namespace asynclab::detail

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
      forward_(forward) {
}

MultiWait::~MultiWait() {
    detach();
}

void MultiWait::await_suspend(std::coroutine_handle<> h) {
    if (!begin(h)) return;
    Loop& loop = *task_->loop();
    if (children_.empty()) {
        wake();
        return;
    }
    // Registering touches every child's record, and a gather of freshly spawned tasks finds none
    // of them in cache: fetching a few ahead overlaps the misses instead of paying them in turn.
    constexpr std::size_t ahead = 8;
    for (std::size_t i = 0; i < children_.size(); ++i) {
        if (i + ahead < children_.size()) __builtin_prefetch(children_[i + ahead], 1);
        Watch& w = watches_[i];
        w.owner = this;
        TaskCore& child = *children_[i];
        // A child that is already done still reports on the next turn, as a done callback
        // added to a finished asyncio future does.
        if (child.done()) {
            w.status = child.status();
            loop.schedule(w);
        } else {
            child.add_done_waiter(w);
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
    MultiWait& owner = *watch.owner;
    watch.status = owner.children_[owner.index_of(watch)]->status();
    owner.task_->loop()->schedule(watch);
}

void MultiWait::Watch::on_fire(ReadyNode& n) noexcept {
    auto& watch = static_cast<Watch&>(static_cast<DoneWaiter&>(n));
    watch.owner->child_done(watch.owner->index_of(watch), watch.status);
}

void MultiWait::on_timeout(ReadyNode& n) noexcept {
    static_cast<MultiWait&>(static_cast<TimerNode&>(n)).finish_waiting();
}

void MultiWait::child_done(std::size_t index, TaskStatus s) noexcept {
    ++done_;
    const bool all = done_ == children_.size();
    bool wake_now = all;
    if (!cancel_forwarded_) {
        switch (until_) {
            case WaitUntil::FirstFailure:
                if (s != TaskStatus::Completed) {
                    first_failure_ = children_[index];
                    wake_now = true;
                }
                break;
            case WaitUntil::FirstCompleted:
                wake_now = true;
                break;
            case WaitUntil::FirstException:
                wake_now = all || s == TaskStatus::Failed;
                break;
            case WaitUntil::AllDone:
                break;
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
    // Once every child has reported, no watch is linked anywhere.
    if (!watches_ || done_ == children_.size()) return;
    for (std::size_t i = 0; i < children_.size(); ++i) {
        Watch& w = watches_[i];
        if (w.linked()) children_[i]->remove_done_waiter(w);
    }
}

}  // namespace asynclab::detail

#include "asynclab/detail/multi_wait.hpp"

#include "asynclab/errors.hpp"
#include "asynclab/loop.hpp"
#include "loop_internals.hpp"

namespace asynclab::detail {

MultiWait::MultiWait(Children children, WaitUntil until, bool forward,
                     std::optional<Duration> timeout) noexcept
    : TimerNode(&on_timeout),
      children_(children),
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
    try {
        // Registering touches every child's record, and a gather of freshly spawned tasks finds
        // none of them in cache: fetching a few ahead overlaps the misses instead of paying them
        // in turn.
        constexpr std::size_t ahead = 8;
        for (std::size_t i = 0; i < children_.size(); ++i) {
            if (i + ahead < children_.size()) __builtin_prefetch(&children_[i + ahead], 1);
            if (!children_[i].try_watch(*this)) watch_with_node(i);
        }
    } catch (...) {
        // Out of memory for the nodes: leave no child pointing here, and fail the await.
        detach();
        task_->waiting_on = nullptr;
        throw;
    }
    if (timeout_) detail::LoopInternals::add_timer(loop, *this, loop.now() + *timeout_);
}

void MultiWait::watch_with_node(std::size_t index) {
    if (!watches_) watches_ = std::make_unique<Watch[]>(children_.size());
    Watch& w = watches_[index];
    w.owner = this;
    TaskCore& child = children_[index];
    // A child that is already done still reports on the next turn, as a done callback added to a
    // finished asyncio future does.
    if (child.done()) {
        w.status = child.status();
        detail::LoopInternals::schedule(*task_->loop(), w);
    } else {
        child.add_done_waiter(w);
    }
}

TaskCore* MultiWait::await_resume() {
    end();
    if (cancel_forwarded_) throw Cancelled{};
    return first_failure_;
}

WaitTarget MultiWait::target() const noexcept {
    return {timeout_ ? WaitKind::Timeout : WaitKind::Gather, forward_ ? "gather" : "wait"};
}

void MultiWait::Watch::on_done(DoneWaiter& w) noexcept {
    auto& watch = static_cast<Watch&>(w);
    MultiWait& owner = *watch.owner;
    watch.status = owner.children_[owner.index_of(watch)].status();
    detail::LoopInternals::schedule(*owner.task_->loop(), watch);
}

void MultiWait::Watch::on_fire(ReadyNode& n) noexcept {
    auto& watch = static_cast<Watch&>(static_cast<DoneWaiter&>(n));
    MultiWait& owner = *watch.owner;
    owner.child_done(owner.children_[owner.index_of(watch)], watch.status);
}

void MultiWait::child_done(TaskCore& child) noexcept {
    child_done(child, child.status());
}

void MultiWait::on_timeout(ReadyNode& n) noexcept {
    static_cast<MultiWait&>(static_cast<TimerNode&>(n)).finish_waiting();
}

void MultiWait::child_done(TaskCore& child, TaskStatus s) noexcept {
    ++done_;
    const bool all = done_ == children_.size();
    bool wake_now = all;
    if (!cancel_forwarded_) {
        switch (until_) {
            case WaitUntil::FirstFailure:
                if (s != TaskStatus::Completed) {
                    first_failure_ = &child;
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
    for (std::size_t i = 0; i < children_.size(); ++i) any = children_[i].cancel() || any;
    if (any) cancel_forwarded_ = true;
    return any;
}

void MultiWait::detach() noexcept {
    if (in_heap()) {
        detail::LoopInternals::remove_timer(*task_->loop(), *this);
    } else if (TimerNode::linked()) {
        TimerNode::unlink();
    }
    // Once every child has reported, nothing points here any more.
    if (task_ == nullptr || done_ == children_.size()) return;
    for (std::size_t i = 0; i < children_.size(); ++i) {
        TaskCore& child = children_[i];
        if (watches_ && watches_[i].linked()) {
            child.remove_done_waiter(watches_[i]);
        } else {
            child.unwatch(*this);
        }
    }
}

}  // namespace asynclab::detail

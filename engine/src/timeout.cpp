#include "asynclab/timeout.hpp"

#include <fmt/format.h>

#include "asynclab/loop.hpp"
#include "loop_internals.hpp"

namespace asynclab::detail {

TimeoutScope::TimeoutScope(Duration delay)
    : TimerNode(&on_fire), task_(nullptr), delay_(delay), cancelling_at_entry_(0) {
    Loop& loop = Loop::current();
    task_ = loop.current_task();
    if (task_ == nullptr) throw RuntimeError("timeout() must be used inside a task");
    cancelling_at_entry_ = task_->cancelling();
    detail::LoopInternals::add_timer(loop, *this, loop.now() + delay);
}

TimeoutScope::~TimeoutScope() {
    if (in_heap()) {
        detail::LoopInternals::remove_timer(*task_->loop(), *this);
    } else if (TimerNode::linked()) {
        TimerNode::unlink();
    }
    settle();
}

void TimeoutScope::on_fire(ReadyNode& n) noexcept {
    auto& self = static_cast<TimeoutScope&>(static_cast<TimerNode&>(n));
    self.state_ = State::Expiring;
    self.task_->cancel();
}

void TimeoutScope::settle() noexcept {
    // The scope's own cancellation request is taken back whatever way the block is left.
    if (state_ == State::Expiring) {
        state_ = State::Settled;
        task_->uncancel();
    }
}

bool TimeoutScope::owns_cancellation() noexcept {
    if (state_ != State::Expiring) return false;
    state_ = State::Settled;
    return task_->uncancel() <= cancelling_at_entry_;
}

void throw_timeout(Duration delay) {
    throw TimeoutError(fmt::format("timed out after {:g} s", to_secs(delay)));
}

}  // namespace asynclab::detail

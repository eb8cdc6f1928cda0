#include "asynclab/task_group.hpp"

#include "asynclab/loop.hpp"
#include "loop_internals.hpp"

namespace asynclab {

/// The block waits here for the last child. Being cancelled meanwhile aborts the group (the
/// children are cancelled) and the wait goes on: the group never ends before its children.
class TaskGroup::JoinAwaiter final : public detail::Suspension {
  public:
    explicit JoinAwaiter(TaskGroup& group) noexcept : group_(group) {}
    ~JoinAwaiter() { group_.joiner_ = nullptr; }

    bool await_ready() const noexcept { return group_.watches_.empty(); }
    void await_suspend(std::coroutine_handle<> h) {
        if (begin(h)) group_.joiner_ = this;
    }
    void await_resume() noexcept {
        group_.joiner_ = nullptr;
        // A cancellation that arrived after the last child left is the block's to raise, after
        // the group's own errors are accounted for.
        if (consume_cancel()) group_.propagate_cancel_ = true;
    }
    void child_left() noexcept {
        if (group_.watches_.empty()) {
            group_.joiner_ = nullptr;
            wake();
        }
    }

    detail::WaitTarget target() const noexcept override { return {WaitKind::Gather, "task group"}; }
    bool forward_cancel() noexcept override {
        if (!group_.aborting_) {
            group_.propagate_cancel_ = true;
            group_.abort();
        }
        return true;
    }
    void detach() noexcept override { group_.joiner_ = nullptr; }

  private:
    TaskGroup& group_;
};

TaskGroup::TaskGroup() : parent_(Loop::current().current_task()) {
    if (parent_ == nullptr) throw RuntimeError("a task group must be used inside a task");
}

TaskGroup::~TaskGroup() {
    for (Watch& w : watches_) {
        if (w.linked()) w.child->remove_done_waiter(w);
    }
}

TaskGroup::Watch::Watch(TaskGroup& g, detail::TaskCore& c) noexcept
    : DoneWaiter(&on_done, &on_fire), group(&g), child((c.add_ref(), &c)) {
}

void TaskGroup::Watch::on_done(detail::DoneWaiter& w) noexcept {
    auto& watch = static_cast<Watch&>(w);
    detail::LoopInternals::schedule(*watch.child->loop(), watch);
}

void TaskGroup::Watch::on_fire(detail::ReadyNode& n) noexcept {
    auto& watch = static_cast<Watch&>(static_cast<detail::DoneWaiter&>(n));
    watch.group->child_done(watch);
}

void TaskGroup::check_open() const {
    if (aborting_) throw RuntimeError("the task group is shutting down");
    if (exiting_ && watches_.empty()) throw RuntimeError("the task group is finished");
}

void TaskGroup::watch(detail::TaskCore& child) {
    Watch& w = watches_.emplace_back(*this, child);
    child.add_done_waiter(w);
}

void TaskGroup::abort() noexcept {
    aborting_ = true;
    for (Watch& w : watches_) w.child->cancel();
}

void TaskGroup::child_done(Watch& watch) noexcept {
    const detail::CoreRef<detail::TaskCore> keep = watch.child;
    detail::TaskCore& child = *keep;
    watches_.remove_if([&](const Watch& w) { return &w == &watch; });
    if (child.status() == TaskStatus::Failed) {
        errors_.push_back(child.take_error());
        if (!aborting_) {
            abort();
            // The block is still running: interrupt it (asyncio cancels the parent task). A block
            // already waiting for the children needs no interrupting.
            if (joiner_ == nullptr && !exiting_) {
                parent_cancel_requested_ = true;
                parent_->cancel();
            }
        }
    }
    if (joiner_ != nullptr) joiner_->child_left();
}

Task<void> TaskGroup::finish(std::exception_ptr body_error) {
    exiting_ = true;
    bool propagate_cancel = is_cancelled(body_error);
    if (parent_cancel_requested_ && parent_->uncancel() == 0) propagate_cancel = false;
    if (body_error && !aborting_) abort();
    while (!watches_.empty()) co_await JoinAwaiter(*this);
    if ((propagate_cancel || propagate_cancel_) && errors_.empty()) throw Cancelled{};
    if (body_error && !is_cancelled(body_error)) errors_.push_back(body_error);
    if (!errors_.empty())
        throw ExceptionGroup("unhandled errors in a TaskGroup", std::move(errors_));
}

}  // namespace asynclab

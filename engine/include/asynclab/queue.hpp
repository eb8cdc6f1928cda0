#pragma once
// Queue<T> (asyncio.Queue): FIFO between producer and consumer tasks. A bounded queue (maxsize >
// 0) makes put() wait while it is full — backpressure: a fast producer is held to the pace of its
// consumers. task_done() / join() let a producer wait until every item put has been processed.
//
// Items stay in the queue until a woken getter runs to take them (qsize() counts them, as
// asyncio's does), but they are reserved for the getters woken for them: a task arriving later
// cannot take them first, so no waiter is ever starved. The same holds for a slot freed for a
// woken putter. A waiter woken and then cancelled before it runs passes its reservation on.

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

#include "asynclab/detail/waiter.hpp"
#include "asynclab/errors.hpp"

namespace asynclab {

namespace detail {

/// The bookkeeping of a queue that does not depend on its item type.
class QueueBase {
  public:
    QueueBase(const QueueBase&) = delete;
    QueueBase& operator=(const QueueBase&) = delete;

    [[nodiscard]] std::size_t maxsize() const noexcept { return maxsize_; }
    /// The name traces and deadlock reports give it.
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// Items waiting to be processed (task_done() not yet called for them).
    [[nodiscard]] std::size_t unfinished_tasks() const noexcept { return unfinished_; }
    /// Throws ValueError when called more times than items were put.
    void task_done();

    class JoinAwaiter final : public Waiter {
      public:
        explicit JoinAwaiter(QueueBase& q) noexcept : q_(q) {}
        bool await_ready() const noexcept { return q_.unfinished_ == 0; }
        void await_suspend(std::coroutine_handle<> h) {
            if (begin(h)) q_.joiners_.push_back(this);
        }
        void await_resume() { end(); }
        [[nodiscard]] WaitTarget target() const noexcept override {
            return {WaitKind::QueueJoin, q_.name_};
        }

      private:
        QueueBase& q_;
    };

    /// Waits until every item put has been marked task_done().
    [[nodiscard]] JoinAwaiter join() noexcept { return JoinAwaiter(*this); }

  protected:
    QueueBase(std::size_t maxsize, std::string name) noexcept
        : maxsize_(maxsize), name_(std::move(name)) {}
    ~QueueBase() = default;

    [[nodiscard]] bool room(std::size_t size) const noexcept {
        return maxsize_ == 0 || size + reserved_puts_ < maxsize_;
    }
    /// After an item arrived: wake getters for the items nobody has been woken for yet.
    void wake_getters(std::size_t size) noexcept;
    /// After an item left: wake putters for the free slots nobody has been woken for yet.
    void wake_putters(std::size_t size) noexcept;
    void item_put() noexcept { ++unfinished_; }
    /// The queue's depth changed: a traced run records it as a counter (queue.cpp).
    void note_depth(std::size_t size) const noexcept;

    std::size_t maxsize_;
    std::string name_;
    std::size_t reserved_gets_ = 0;  // woken getters that have not run yet
    std::size_t reserved_puts_ = 0;  // woken putters that have not run yet
    std::size_t unfinished_ = 0;
    WaitList getters_;
    WaitList putters_;
    WaitList joiners_;
};

}  // namespace detail

template <class T>
class Queue : public detail::QueueBase {
  public:
    /// maxsize 0: unbounded. `name`: how traces and deadlock reports call it.
    explicit Queue(std::size_t maxsize = 0, std::string name = "queue") noexcept
        : QueueBase(maxsize, std::move(name)) {}

    class GetAwaiter final : public detail::Waiter {
      public:
        explicit GetAwaiter(Queue& q) noexcept : q_(q) {}
        bool await_ready() const noexcept { return q_.available() > 0; }
        void await_suspend(std::coroutine_handle<> h) {
            if (begin(h)) q_.getters_.push_back(this);
        }
        T await_resume() {
            if (woken_) {
                --q_.reserved_gets_;
                if (cancel_pending()) q_.wake_getters(q_.items_.size());
            }
            end();
            return q_.take();
        }
        [[nodiscard]] detail::WaitTarget target() const noexcept override {
            return {WaitKind::QueueGet, q_.name_};
        }

      private:
        Queue& q_;
    };

    class PutAwaiter final : public detail::Waiter {
      public:
        PutAwaiter(Queue& q, T item) : q_(q), item_(std::move(item)) {}
        bool await_ready() const noexcept { return q_.room(q_.items_.size()); }
        void await_suspend(std::coroutine_handle<> h) {
            if (begin(h)) q_.putters_.push_back(this);
        }
        void await_resume() {
            if (woken_) {
                --q_.reserved_puts_;
                if (cancel_pending()) q_.wake_putters(q_.items_.size());
            }
            end();
            q_.add(std::move(item_));
        }
        [[nodiscard]] detail::WaitTarget target() const noexcept override {
            return {WaitKind::QueuePut, q_.name_};
        }

      private:
        Queue& q_;
        T item_;
    };

    /// Takes the oldest item, waiting while there is none.
    [[nodiscard]] GetAwaiter get() noexcept { return GetAwaiter(*this); }
    /// Adds an item, waiting while the queue is full.
    [[nodiscard]] PutAwaiter put(T item) { return PutAwaiter(*this, std::move(item)); }

    /// Throws QueueEmpty instead of waiting.
    T get_nowait() {
        if (available() == 0) throw QueueEmpty("the queue is empty");
        return take();
    }
    /// Throws QueueFull instead of waiting.
    void put_nowait(T item) {
        if (!room(items_.size())) throw QueueFull("the queue is full");
        add(std::move(item));
    }

    [[nodiscard]] std::size_t qsize() const noexcept { return items_.size(); }
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
    [[nodiscard]] bool full() const noexcept { return maxsize_ > 0 && items_.size() >= maxsize_; }

  private:
    /// Items nobody has been woken for.
    [[nodiscard]] std::size_t available() const noexcept { return items_.size() - reserved_gets_; }

    T take() {
        T item = std::move(items_.front());
        items_.pop_front();
        note_depth(items_.size());
        wake_putters(items_.size());
        return item;
    }

    void add(T item) {
        items_.push_back(std::move(item));
        item_put();
        note_depth(items_.size());
        wake_getters(items_.size());
    }

    std::deque<T> items_;
};

}  // namespace asynclab

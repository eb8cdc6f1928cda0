#pragma once
// Task<T>: the lazy coroutine type (asyncio: a coroutine object). Calling a coroutine function
// runs nothing; the body starts when the Task is awaited — inside the awaiting task — or spawned as
// a task of its own.
//
// Take coroutine parameters by value: a Task may start long after the call that made it, when a
// reference or string_view argument would dangle.

#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

#include "asynclab/detail/frame_alloc.hpp"

namespace asynclab {

template <class T = void>
class Task;

namespace detail {

class PromiseBase {
  public:
    std::suspend_always initial_suspend() noexcept { return {}; }

    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* p, std::size_t size) noexcept { free_frame(p, size); }

    std::coroutine_handle<> continuation_;  ///< The frame awaiting this one (none for a root).
};

/// The frame to run next in the current task, left by a frame handing control to another (a nested
/// task starting, a finished one returning to its awaiter). TaskCore::step() resumes these in a
/// loop instead of relying on symmetric transfer being a tail call — which GCC does not make at -O0
/// or under AddressSanitizer — so a chain of nested awaits never deepens the stack.
inline thread_local std::coroutine_handle<> next_frame;

/// At the end of a body: hand control back to the awaiting frame. A spawned task's root frame has
/// none: it stays suspended here, done(), and TaskCore::step() collects its outcome.
template <class P>
struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    void await_suspend(std::coroutine_handle<P> h) noexcept {
        next_frame = h.promise().continuation_;
    }
    void await_resume() noexcept {}
};

// Every frame holds one of these, so they are kept small: the outcome is a variant (one slot for
// the value or the exception), and a root frame needs no pointer to its task's record.
template <class T>
class Promise : public PromiseBase {
  public:
    Task<T> get_return_object() noexcept;
    FinalAwaiter<Promise> final_suspend() noexcept { return {}; }

    template <class U>
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& value) { outcome_.template emplace<1>(std::forward<U>(value)); }
    void unhandled_exception() noexcept { outcome_.template emplace<2>(std::current_exception()); }

    [[nodiscard]] bool has_value() const noexcept { return outcome_.index() == 1; }
    [[nodiscard]] T& value() noexcept { return std::get<1>(outcome_); }
    [[nodiscard]] std::exception_ptr error() const noexcept {
        return outcome_.index() == 2 ? std::get<2>(outcome_) : nullptr;
    }

    T take() {
        if (outcome_.index() == 2) std::rethrow_exception(std::get<2>(outcome_));
        return std::move(std::get<1>(outcome_));
    }

  private:
    std::variant<std::monostate, T, std::exception_ptr> outcome_;
};

template <>
class Promise<void> : public PromiseBase {
  public:
    Task<void> get_return_object() noexcept;
    FinalAwaiter<Promise> final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { error_ = std::current_exception(); }

    [[nodiscard]] std::exception_ptr error() const noexcept { return error_; }

    void take() {
        if (error_) std::rethrow_exception(error_);
    }

  private:
    std::exception_ptr error_;
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
  public:
    using promise_type = detail::Promise<T>;
    using Handle = std::coroutine_handle<promise_type>;
    using value_type = T;

    Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            if (h_) h_.destroy();
            h_ = std::exchange(other.h_, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() {
        if (h_) h_.destroy();
    }

    /// Runs the body inside the awaiting task and returns its result (or rethrows).
    auto operator co_await() && noexcept {
        struct Awaiter {
            Handle h;
            bool await_ready() noexcept { return false; }
            void await_suspend(std::coroutine_handle<> caller) noexcept {
                h.promise().continuation_ = caller;
                detail::next_frame = h;
            }
            T await_resume() { return h.promise().take(); }
        };
        return Awaiter{h_};
    }

    /// Gives up ownership of the frame (spawn takes it).
    Handle release() noexcept { return std::exchange(h_, {}); }
    [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(h_); }

  private:
    friend class detail::Promise<T>;
    explicit Task(Handle h) noexcept : h_(h) {}
    Handle h_;
};

namespace detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>{std::coroutine_handle<Promise<T>>::from_promise(*this)};
}
inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>{std::coroutine_handle<Promise<void>>::from_promise(*this)};
}
}  // namespace detail

}  // namespace asynclab

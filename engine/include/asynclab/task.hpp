#pragma once
// Task<T>: the lazy coroutine type (asyncio: a coroutine object). Calling a coroutine function
// runs nothing; the body starts when the Task is awaited — inside the awaiting task — or spawned as
// a task of its own.
//
// Take coroutine parameters by value: a Task may start long after the call that made it, when a
// reference or string_view argument would dangle.

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "asynclab/detail/frame_alloc.hpp"

namespace asynclab {

template <class T = void>
class Task;

namespace detail {

class TaskCore;

class PromiseBase {
public:
    std::suspend_always initial_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { error_ = std::current_exception(); }

    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* p, std::size_t size) noexcept { free_frame(p, size); }

    std::coroutine_handle<> continuation_;  ///< The frame awaiting this one (none for a root).
    TaskCore* root_of_ = nullptr;           ///< Set when this frame is a spawned task's root.
    std::exception_ptr error_;
};

template <class T>
class Promise;

/// The frame to run next in the current task, left by a frame handing control to another (a nested
/// task starting, a finished one returning to its awaiter). TaskCore::step() resumes these in a
/// loop instead of relying on symmetric transfer being a tail call — which GCC does not make at -O0
/// or under AddressSanitizer — so a chain of nested awaits never deepens the stack.
inline thread_local std::coroutine_handle<> next_frame;

/// Finishes the task whose root frame `promise` belongs to (defined in task_handle.hpp).
template <class T>
void finish_root(Promise<T>& promise) noexcept;

/// At the end of a body: hand control back to the awaiting frame, or, for a spawned task's root,
/// record the outcome and return to the loop.
template <class P>
struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    void await_suspend(std::coroutine_handle<P> h) noexcept {
        P& p = h.promise();
        if (p.continuation_) {
            next_frame = p.continuation_;
        } else if (p.root_of_ != nullptr) {
            finish_root(p);
        }
    }
    void await_resume() noexcept {}
};

template <class T>
class Promise : public PromiseBase {
public:
    Task<T> get_return_object() noexcept;
    FinalAwaiter<Promise> final_suspend() noexcept { return {}; }

    template <class U>
        requires std::is_convertible_v<U&&, T>
    void return_value(U&& value) {
        value_.emplace(std::forward<U>(value));
    }

    T take() {
        if (error_) std::rethrow_exception(error_);
        return std::move(*value_);
    }

    std::optional<T> value_;
};

template <>
class Promise<void> : public PromiseBase {
public:
    Task<void> get_return_object() noexcept;
    FinalAwaiter<Promise> final_suspend() noexcept { return {}; }
    void return_void() noexcept {}

    void take() {
        if (error_) std::rethrow_exception(error_);
    }
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

#pragma once
// gather(): run tasks concurrently and collect their results in argument order, whatever order
// they finish in (asyncio.gather).
//
//   auto [a, b] = co_await gather(fetch("a"), fetch("b"));        // Tasks are spawned at the call
//   std::vector<int> all = co_await gather(std::move(handles));
//   auto outcomes = co_await gather(return_exceptions, std::move(handles));
//
// The first failure (or cancellation) of a child propagates at once; the other children keep
// running, as in asyncio — a TaskGroup is the structured alternative that cancels them. Cancelling
// the task awaiting gather() cancels every child and waits for all of them to finish.

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "asynclab/detail/multi_wait.hpp"
#include "asynclab/outcome.hpp"
#include "asynclab/task.hpp"
#include "asynclab/task_handle.hpp"

namespace asynclab {

/// Tag: gather(return_exceptions, ...) returns an Outcome per task instead of throwing.
struct ReturnExceptions {};
inline constexpr ReturnExceptions return_exceptions{};

namespace detail {

template <class T>
using ValueOf = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <class T>
TaskHandle<T> as_handle(TaskHandle<T> handle) {
    return handle;
}
template <class T>
TaskHandle<T> as_handle(Task<T>&& task) {
    return spawn(std::move(task));
}

template <class A>
using HandleOf = decltype(as_handle(std::declval<A>()));

template <class T>
ValueOf<T> value_of(const TaskHandle<T>& h) {
    if constexpr (std::is_void_v<T>) {
        h.result();
        return {};
    } else {
        return h.result();
    }
}

/// The handles' tasks, as a combinator reads them: in place, however many there are.
template <class T>
Children children_of(const std::vector<TaskHandle<T>>& handles) noexcept {
    return Children(handles.data(), handles.size(),
                    [](const void* array, std::size_t i) noexcept -> TaskCore& {
                        return static_cast<const TaskHandle<T>*>(array)[i].core();
                    });
}

/// Each task's value, in order, letting go of each handle once its value is out: its record is
/// in cache then, where a later pass over a million of them would miss every one again. After a
/// gather of many tasks few records are still in cache: fetching a few ahead overlaps the misses.
template <class T>
std::vector<ValueOf<T>> take_values(std::vector<TaskHandle<T>>& handles) {
    constexpr std::size_t ahead = 8;
    std::vector<ValueOf<T>> values;
    values.reserve(handles.size());
    for (std::size_t i = 0; i < handles.size(); ++i) {
        if (i + ahead < handles.size()) __builtin_prefetch(&handles[i + ahead].core(), 1);
        values.push_back(value_of(handles[i]));
        handles[i] = TaskHandle<T>();
    }
    return values;
}

/// After a failure ends gather() early, failures still to come were seen by gather (asyncio
/// marks them retrieved too): no "exception was never retrieved" for them.
inline void observe_rest(const Children& children) {
    for (std::size_t i = 0; i < children.size(); ++i) children[i].mark_retrieved();
}

[[noreturn]] inline void rethrow_failure(TaskCore& child) {
    child.throw_if_not_completed();
    throw RuntimeError("gather: a child ended early without failing");  // unreachable
}

template <class... Ts>
Task<std::tuple<ValueOf<Ts>...>> gather_tuple(std::tuple<TaskHandle<Ts>...> handles) {
    const std::array<TaskCore*, sizeof...(Ts)> cores = std::apply(
        [](auto&... h) { return std::array<TaskCore*, sizeof...(Ts)>{&h.core()...}; }, handles);
    const Children children(cores);
    if (TaskCore* failed = co_await MultiWait(children, WaitUntil::FirstFailure, true)) {
        observe_rest(children);
        rethrow_failure(*failed);
    }
    co_return std::apply([](auto&... h) { return std::tuple<ValueOf<Ts>...>{value_of(h)...}; },
                         handles);
}

}  // namespace detail

/// Results of the given tasks (Task<T>s are spawned, left to right) as a tuple in argument order.
template <class... As>
requires(sizeof...(As) > 0) auto gather(As&&... tasks) {
    // A braced list evaluates left to right, so tasks are spawned in argument order.
    std::tuple<detail::HandleOf<As>...> handles{detail::as_handle(std::forward<As>(tasks))...};
    return detail::gather_tuple(std::move(handles));
}

/// Results of all the tasks, in order.
template <class T>
Task<std::vector<detail::ValueOf<T>>> gather(std::vector<TaskHandle<T>> handles) {
    const detail::Children children = detail::children_of(handles);
    if (detail::TaskCore* failed =
            co_await detail::MultiWait(children, detail::WaitUntil::FirstFailure, true)) {
        detail::observe_rest(children);
        detail::rethrow_failure(*failed);
    }
    co_return detail::take_values(handles);
}

/// Waits for all the tasks and gives each one's value or exception, in order.
template <class T>
Task<std::vector<Outcome<T>>> gather(ReturnExceptions, std::vector<TaskHandle<T>> handles) {
    co_await detail::MultiWait(detail::children_of(handles), detail::WaitUntil::AllDone, true);
    std::vector<Outcome<T>> outcomes;
    outcomes.reserve(handles.size());
    for (const auto& h : handles) {
        if (h.core().status() == TaskStatus::Completed) {
            outcomes.emplace_back(detail::value_of(h));
        } else if (h.cancelled()) {
            outcomes.emplace_back(std::make_exception_ptr(Cancelled{}));
        } else {
            outcomes.emplace_back(h.exception());
        }
    }
    co_return outcomes;
}

}  // namespace asynclab

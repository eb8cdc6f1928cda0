#pragma once
// wait(): wait for some of a set of tasks without touching them (asyncio.wait). It returns which
// are done and which are still pending, in argument order; it never raises their exceptions and
// never cancels them — not even when the waiting task is cancelled.

#include <optional>
#include <vector>

#include "asynclab/detail/multi_wait.hpp"
#include "asynclab/gather.hpp"
#include "asynclab/task.hpp"
#include "asynclab/task_handle.hpp"

namespace asynclab {

enum class ReturnWhen { FirstCompleted, FirstException, AllCompleted };

template <class T>
struct WaitResult {
    std::vector<TaskHandle<T>> done;
    std::vector<TaskHandle<T>> pending;
};

/// With a timeout, returns when it expires even if the condition is not met (nothing is raised).
template <class T>
Task<WaitResult<T>> wait(std::vector<TaskHandle<T>> handles,
                         ReturnWhen when = ReturnWhen::AllCompleted,
                         std::optional<Duration> timeout = std::nullopt) {
    if (handles.empty()) throw ValueError("wait() needs at least one task");
    const auto until = when == ReturnWhen::FirstCompleted   ? detail::WaitUntil::FirstCompleted
                       : when == ReturnWhen::FirstException ? detail::WaitUntil::FirstException
                                                            : detail::WaitUntil::AllDone;
    co_await detail::MultiWait(detail::children_of(handles), until, false, timeout);
    WaitResult<T> result;
    for (auto& h : handles) (h.done() ? result.done : result.pending).push_back(std::move(h));
    co_return result;
}

}  // namespace asynclab

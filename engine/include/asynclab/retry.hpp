#pragma once
// retry(policy, fn): calls fn() — anything returning an awaitable, such as a lambda returning a
// Task<T> — awaits what it returns, and when that fails with a retryable error sleeps a backoff and
// calls fn() again, at most policy.max_attempts times in all.
//
//   RetryPolicy policy{.max_attempts = 3, .base_delay = secs(0.02), .attempt_timeout = secs(0.08)};
//   RetryStats stats;
//   auto fetch_url = [url] { return fetch(url); };
//   std::string body = co_await retry(policy, fetch_url, &stats);
//
// Exact semantics:
// - Attempt k (from 1) calls fn() and awaits the result in the calling task. With `slots` set it
//   first waits for one of the semaphore's permits and holds it for the attempt only (asyncio:
//   `async with sem:` around each attempt, not around the retry loop): the attempt starts, and is
//   traced, once it holds one, and the backoff after it holds none, so a pause never keeps another
//   call out. With attempt_timeout set the attempt runs under timeout(attempt_timeout, ...),
//   started once it holds its permit: a slow attempt is cancelled, cleans up, and fails with
//   TimeoutError, which is retryable unless the predicate says otherwise.
// - The backoff after failed attempt k is d = min(max_delay, base_delay × multiplier^(k−1)), or
//   with jitter j > 0, d × (1 + U[0, j)). Jitter only lengthens a gap, so every gap is at least
//   the policy's delay; it applies after the cap so that callers held at max_delay still spread
//   out. U comes from `random`, else the running loop's seeded generator, and is drawn only when
//   j > 0: the same seed replays the same gaps, and no jitter leaves the generator untouched.
// - Cancelled is never retried and never shown to the predicate: a cancellation during an attempt
//   or a backoff propagates at once and no further attempt starts (folly's retryWhen does the
//   same). A timeout around the whole retry() therefore stops it cleanly.
// - An error the predicate rejects propagates after the attempt that raised it; when the attempts
//   run out, the last attempt's error propagates.
// - With tracing on, each attempt ("attempt 2/3", when it starts), backoff ("backoff 0.04 s after
//   TimeoutError: timed out after 0.08 s") and giving up is a Log event on channel::retry in the
//   calling task, and the backoff's pause is a wait of its own kind (WaitKind::Backoff), never a
//   plain sleep.
// - `stats`, when given, is updated as the retry goes (so it is right even if the retry is
//   cancelled) and must outlive the returned task.
// - A bad policy throws ValueError from retry() itself, at the call: max_attempts < 1, a negative
//   delay, a multiplier below 1, a negative jitter or a timeout that is not positive.
//
// fn is stored by value in the task's frame and called once per attempt, so a lambda's captures
// live as long as the retry does (a capturing coroutine lambda is safe here).
//
// GCC 12: make a lambda that captures anything but numbers, pointers and references (a std::string
// url, say) in a statement of its own, as fetch_url above, never inside the co_await expression.
// There GCC 12 moves the closure bitwise, and destroying it later frees a bad pointer.

#include <concepts>
#include <exception>
#include <functional>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "asynclab/clock.hpp"
#include "asynclab/errors.hpp"
#include "asynclab/random.hpp"
#include "asynclab/semaphore.hpp"
#include "asynclab/sleep.hpp"
#include "asynclab/task.hpp"
#include "asynclab/timeout.hpp"
#include "asynclab/trace.hpp"

namespace asynclab {

namespace channel {
inline constexpr std::string_view retry = "retry";
}  // namespace channel

/// Decides something about an error (which are retried, which count as a breaker's failures).
using ErrorPredicate = std::function<bool(const std::exception_ptr&)>;

namespace detail {

template <class E>
bool holds(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const E&) {
        return true;
    } catch (...) {
        return false;
    }
}

template <class A>
concept HasCoAwait = requires(A&& a) {
    std::forward<A>(a).operator co_await();
};

template <class A>
requires HasCoAwait<A>
auto await_result(A&& a) -> decltype(std::forward<A>(a).operator co_await().await_resume());
template <class A>
requires(!HasCoAwait<A>) auto await_result(A&& a) -> decltype(std::forward<A>(a).await_resume());

/// What `co_await` of an A gives.
template <class A>
using AwaitResult = decltype(await_result(std::declval<A>()));

/// A callable taking nothing and returning something to co_await.
template <class Fn>
concept AsyncCallable = std::invocable<Fn&> && requires {
    typename AwaitResult<std::invoke_result_t<Fn&>>;
};

/// What awaiting fn()'s result gives.
template <class Fn>
using CallResult = AwaitResult<std::invoke_result_t<Fn&>>;

/// A Task is awaited as it is; any other awaitable is wrapped in one (timeout() takes Tasks).
template <class T>
Task<T> as_task(Task<T> task) {
    return task;
}
template <class A>
Task<AwaitResult<A>> as_task(A awaitable) {
    co_return co_await std::move(awaitable);
}

}  // namespace detail

/// A predicate true for errors of any of the given types (or types derived from them).
template <class... Errors>
ErrorPredicate errors_of() {
    return [](const std::exception_ptr& error) { return (detail::holds<Errors>(error) || ...); };
}

struct RetryPolicy {
    int max_attempts = 3;              ///< Attempts in all, the first one included.
    Duration base_delay = secs(0.02);  ///< The backoff after the first failure.
    double multiplier = 2.0;           ///< Each further backoff is this many times the last.
    Duration max_delay = secs(1.0);    ///< Caps the backoff before jitter.
    double jitter = 0.0;               ///< j: each backoff is stretched by a factor in [1, 1 + j).
    ErrorPredicate retryable{};        ///< Which errors to retry; empty: all of them.
    std::optional<Duration> attempt_timeout{};  ///< Limit on each attempt; none: no limit.
    Random* random = nullptr;    ///< The jitter's generator; nullptr: the running loop's.
    Semaphore* slots = nullptr;  ///< Each attempt holds one of its permits; nullptr: no limit.
};

/// What a retry did, for reports ("3 attempts").
struct RetryStats {
    int attempts = 0;                ///< Attempts started.
    std::vector<Duration> backoffs;  ///< Each backoff slept (or being slept), jitter included.
};

/// The backoff after failed attempt `attempt` (from 1), before jitter.
Duration backoff_delay(const RetryPolicy& policy, int attempt);

namespace detail {

/// The part of a retry that does not depend on fn: counting, deciding, tracing.
class RetryRun {
  public:
    RetryRun(RetryPolicy policy, RetryStats* stats);

    void start_attempt();
    /// After an attempt failed with `error` (never Cancelled): rethrows it when it is not
    /// retryable or no attempt is left; otherwise returns the backoff to sleep.
    Duration backoff_after(const std::exception_ptr& error);
    [[nodiscard]] const std::optional<Duration>& attempt_timeout() const noexcept {
        return policy_.attempt_timeout;
    }
    [[nodiscard]] Semaphore* slots() const noexcept { return policy_.slots; }

  private:
    RetryPolicy policy_;
    RetryStats* stats_;
    int attempt_ = 0;
};

/// One attempt, once it holds its permit (if any): the permit is given back when it ends.
template <class Fn>
Task<CallResult<Fn>> attempt_once(RetryRun& run, Fn& fn) {
    std::optional<Held<Semaphore>> permit;
    if (Semaphore* slots = run.slots()) permit.emplace(co_await slots->hold());
    run.start_attempt();
    if (const auto& limit = run.attempt_timeout()) {
        co_return co_await timeout(*limit, as_task(fn()));
    }
    co_return co_await as_task(fn());
}

template <class Fn>
Task<CallResult<Fn>> retry_loop(RetryRun run, Fn fn) {
    for (;;) {
        std::exception_ptr error;
        try {
            co_return co_await attempt_once(run, fn);
        } catch (const Cancelled&) {
            throw;
        } catch (...) {
            error = std::current_exception();
        }
        co_await sleep_as(WaitKind::Backoff, run.backoff_after(error), "retry");
    }
}

}  // namespace detail

/// Awaits fn() until it succeeds, with backoff between attempts (see the top of this file).
template <class Fn>
requires detail::AsyncCallable<Fn> Task<detail::CallResult<Fn>> retry(RetryPolicy policy, Fn fn,
                                                                      RetryStats* stats = nullptr) {
    return detail::retry_loop(detail::RetryRun(std::move(policy), stats), std::move(fn));
}

}  // namespace asynclab

#pragma once
// CircuitBreaker: stops calling a service that keeps failing, and later tries it again with one
// probe call.
//
//   CircuitBreaker breaker({.failure_threshold = 3, .cooldown = secs(0.5)});
//   auto fetch_url = [url] { return fetch(url); };  // not inside co_await: see retry.hpp (GCC 12)
//   std::string body = co_await breaker.call(fetch_url);
//
// Exact semantics:
// - closed: calls run. A failed call adds one to the count of consecutive failures, a successful
//   one resets it to 0; the failure that brings it to failure_threshold opens the breaker.
// - open: calls fail fast with CircuitOpenError and never call fn; rejected() counts them.
// - half-open: entered by the first call that starts at least `cooldown` after the breaker opened;
//   that call is the probe. Calls that start while the probe is in flight fail fast (counted too).
//   The probe's success closes the breaker; its failure opens it again, the cooldown restarting.
// - Why half-open is entered lazily, by a call, rather than by a timer at the end of the cooldown
//   (most libraries do the same: Polly, Hystrix, resilience4j by default): the timeline stays
//   causal. Every transition appears in the lane of the task whose call caused it, at the moment
//   it did, and half-open lasts exactly as long as the probe — a learner never sees a breaker
//   sitting half-open with nothing happening, or a transition in no task's lane. A breaker also
//   never wakes the loop by itself (it cannot move the virtual clock) and may outlive the loop.
//   cooldown_end() tells when the next call will probe.
// - What counts as a failure: an exception for which is_failure is true (default: every one).
//   Cancelled never counts: it propagates as always, a cancelled call neither adds to nor resets
//   the count, and a cancelled probe leaves the breaker half-open for the next call to probe.
//   Errors is_failure rejects are treated the same way (neither success nor failure).
// - A call affects only the state that admitted it: its outcome is ignored once the breaker has
//   changed state since, so a slow call from before the breaker opened cannot restart the
//   cooldown or count against the next closed period.
// - Every transition is kept in transitions() and, with tracing on, is a BreakerChanged event
//   (named channel::breaker, with its from and to states), stamped with the loop time, in the task
//   of the call that caused it.
// - Timeouts belong inside the breaker: breaker.call([=] { return timeout(d, fetch(url)); }).
//   A timeout around the call cancels it when time is up, and a cancelled call does not count.
// - fn is stored by value in the call's frame. The breaker must outlive every call's task.

#include <cstdint>
#include <exception>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "asynclab/breaker_state.hpp"
#include "asynclab/clock.hpp"
#include "asynclab/errors.hpp"
#include "asynclab/retry.hpp"
#include "asynclab/task.hpp"

namespace asynclab {

namespace channel {
inline constexpr std::string_view breaker = "breaker";
}  // namespace channel

struct BreakerPolicy {
    int failure_threshold = 5;      ///< Consecutive failures that open the breaker.
    Duration cooldown = secs(1.0);  ///< How long it stays open before a call may probe.
    ErrorPredicate is_failure{};    ///< Which errors count; empty: all (Cancelled never does).
};

struct BreakerTransition {
    Duration t{};  ///< Loop time of the change.
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    friend bool operator==(const BreakerTransition&, const BreakerTransition&) = default;
};

class CircuitBreaker {
  public:
    /// Throws ValueError for a failure_threshold below 1 or a negative cooldown.
    explicit CircuitBreaker(BreakerPolicy policy = {});
    CircuitBreaker(const CircuitBreaker&) = delete;
    CircuitBreaker& operator=(const CircuitBreaker&) = delete;

    /// Awaits fn() if the breaker lets the call through, else throws CircuitOpenError. The
    /// decision is made when the returned task starts, not when call() is made.
    template <class Fn>
    requires detail::AsyncCallable<Fn> Task<detail::CallResult<Fn>> call(Fn fn);

    [[nodiscard]] BreakerState state() const noexcept { return state_; }
    [[nodiscard]] int consecutive_failures() const noexcept { return failures_; }
    /// Calls that failed fast, never calling fn.
    [[nodiscard]] std::uint64_t rejected() const noexcept { return rejected_; }
    [[nodiscard]] const std::vector<BreakerTransition>& transitions() const noexcept {
        return transitions_;
    }
    /// While open: the loop time from which the next call becomes the probe.
    [[nodiscard]] Duration cooldown_end() const noexcept { return opened_at_ + policy_.cooldown; }
    [[nodiscard]] const BreakerPolicy& policy() const noexcept { return policy_; }

  private:
    /// One admitted call. It reports its outcome exactly once: a call whose frame is destroyed
    /// without one (a task abandoned at teardown) is taken as cancelled, freeing the probe slot.
    class Admission {
      public:
        /// Admits the call or throws CircuitOpenError.
        explicit Admission(CircuitBreaker& breaker);
        ~Admission();
        Admission(const Admission&) = delete;
        Admission& operator=(const Admission&) = delete;
        void succeeded();
        void failed(const std::exception_ptr& error);

      private:
        CircuitBreaker& breaker_;
        std::uint64_t epoch_;
        bool probe_;
        bool settled_ = false;
    };
    enum class Verdict { Success, Failure, Neither };

    void settle(std::uint64_t epoch, bool probe, Verdict verdict);
    void open();
    void move_to(BreakerState to);

    BreakerPolicy policy_;
    std::vector<BreakerTransition> transitions_;
    Duration opened_at_{};
    std::uint64_t rejected_ = 0;
    std::uint64_t epoch_ = 0;  // bumped at every transition: tells a call which state admitted it
    int failures_ = 0;
    BreakerState state_ = BreakerState::Closed;
    bool probe_in_flight_ = false;
};

template <class Fn>
requires detail::AsyncCallable<Fn> Task<detail::CallResult<Fn>> CircuitBreaker::call(Fn fn) {
    Admission admission(*this);
    try {
        if constexpr (std::is_void_v<detail::CallResult<Fn>>) {
            co_await detail::as_task(fn());
            admission.succeeded();
        } else {
            auto value = co_await detail::as_task(fn());
            admission.succeeded();
            co_return std::move(value);
        }
    } catch (...) {
        admission.failed(std::current_exception());
        throw;
    }
}

}  // namespace asynclab

#include "asynclab/retry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "asynclab/loop.hpp"

namespace asynclab {

namespace {

void validate(const RetryPolicy& p) {
    if (p.max_attempts < 1) {
        throw ValueError(
            fmt::format("retry: max_attempts must be at least 1, not {}", p.max_attempts));
    }
    if (p.base_delay < Duration::zero() || p.max_delay < Duration::zero()) {
        throw ValueError("retry: base_delay and max_delay must not be negative");
    }
    if (!(p.multiplier >= 1.0) || !std::isfinite(p.multiplier)) {
        throw ValueError(fmt::format("retry: multiplier must be at least 1, not {}", p.multiplier));
    }
    if (!(p.jitter >= 0.0) || !std::isfinite(p.jitter)) {
        throw ValueError(fmt::format("retry: jitter must be 0 or more, not {}", p.jitter));
    }
    if (p.attempt_timeout && *p.attempt_timeout <= Duration::zero()) {
        throw ValueError("retry: attempt_timeout must be positive");
    }
}

/// Formats and records only when the loop traces: with tracing off a retry costs no strings.
template <class... Args>
void log(fmt::format_string<Args...> format, Args&&... args) {
    Loop& loop = Loop::current();
    if (loop.trace() == nullptr) return;
    loop.record(EventType::Log, fmt::format(format, std::forward<Args>(args)...), channel::retry);
}

}  // namespace

Duration backoff_delay(const RetryPolicy& policy, int attempt) {
    // In doubles, so a large attempt number saturates at max_delay instead of overflowing.
    const double grown = static_cast<double>(policy.base_delay.count()) *
                         std::pow(policy.multiplier, std::max(attempt, 1) - 1);
    const double capped = std::min(grown, static_cast<double>(policy.max_delay.count()));
    return Duration{std::llround(capped)};
}

namespace detail {

RetryRun::RetryRun(RetryPolicy policy, RetryStats* stats)
    : policy_(std::move(policy)), stats_(stats) {
    validate(policy_);
}

void RetryRun::start_attempt() {
    ++attempt_;
    if (stats_ != nullptr) stats_->attempts = attempt_;
    log("attempt {}/{}", attempt_, policy_.max_attempts);
}

Duration RetryRun::backoff_after(const std::exception_ptr& error) {
    if (policy_.retryable && !policy_.retryable(error)) {
        log("not retried: {}", describe(error));
        std::rethrow_exception(error);
    }
    if (attempt_ >= policy_.max_attempts) {
        log("gave up after {} attempt{}: {}", attempt_, attempt_ == 1 ? "" : "s", describe(error));
        std::rethrow_exception(error);
    }
    Duration delay = backoff_delay(policy_, attempt_);
    if (policy_.jitter > 0.0) {
        Random& random = policy_.random != nullptr ? *policy_.random : Loop::current().random();
        // Added to the exact delay (not a product rounded as a whole), so it is never below it.
        const double extra = static_cast<double>(delay.count()) * policy_.jitter * random.unit();
        delay += Duration{std::llround(extra)};
    }
    if (stats_ != nullptr) stats_->backoffs.push_back(delay);
    log("backoff {:g} s after {}", to_secs(delay), describe(error));
    return delay;
}

}  // namespace detail

}  // namespace asynclab

#include "asynclab/circuit_breaker.hpp"

#include <fmt/format.h>

#include "asynclab/loop.hpp"

namespace asynclab {

std::string_view to_string(BreakerState state) noexcept {
    switch (state) {
        case BreakerState::Closed:
            return "closed";
        case BreakerState::Open:
            return "open";
        case BreakerState::HalfOpen:
            return "half-open";
    }
    return "?";
}

CircuitBreaker::CircuitBreaker(BreakerPolicy policy) : policy_(std::move(policy)) {
    if (policy_.failure_threshold < 1) {
        throw ValueError(
            fmt::format("circuit breaker: failure_threshold must be at least 1, not {}",
                        policy_.failure_threshold));
    }
    if (policy_.cooldown < Duration::zero()) {
        throw ValueError("circuit breaker: cooldown must not be negative");
    }
}

CircuitBreaker::Admission::Admission(CircuitBreaker& breaker)
    : breaker_(breaker), epoch_(0), probe_(false) {
    const Duration now = Loop::current().now();
    if (breaker.state_ == BreakerState::Open && now >= breaker.cooldown_end()) {
        breaker.move_to(BreakerState::HalfOpen);
    }
    if (breaker.state_ == BreakerState::Open) {
        ++breaker.rejected_;
        throw CircuitOpenError(
            fmt::format("circuit breaker is open: calls fail fast for another {:g} s",
                        to_secs(breaker.cooldown_end() - now)));
    }
    if (breaker.state_ == BreakerState::HalfOpen) {
        if (breaker.probe_in_flight_) {
            ++breaker.rejected_;
            throw CircuitOpenError("circuit breaker is half-open: a probe call is in flight");
        }
        breaker.probe_in_flight_ = true;
        probe_ = true;
    }
    epoch_ = breaker.epoch_;
}

CircuitBreaker::Admission::~Admission() {
    if (!settled_) breaker_.settle(epoch_, probe_, Verdict::Neither);
}

void CircuitBreaker::Admission::succeeded() {
    settled_ = true;
    breaker_.settle(epoch_, probe_, Verdict::Success);
}

void CircuitBreaker::Admission::failed(const std::exception_ptr& error) {
    // Cancelled is checked first: the predicate never sees it.
    const bool counts = !is_cancelled(error) &&
                        (!breaker_.policy_.is_failure || breaker_.policy_.is_failure(error));
    settled_ = true;
    breaker_.settle(epoch_, probe_, counts ? Verdict::Failure : Verdict::Neither);
}

void CircuitBreaker::settle(std::uint64_t epoch, bool probe, Verdict verdict) {
    if (epoch != epoch_) return;  // admitted by an earlier state
    if (probe) {
        probe_in_flight_ = false;
        if (verdict == Verdict::Success) move_to(BreakerState::Closed);
        if (verdict == Verdict::Failure) open();
        return;
    }
    if (verdict == Verdict::Success) failures_ = 0;
    if (verdict == Verdict::Failure && ++failures_ >= policy_.failure_threshold) open();
}

void CircuitBreaker::open() {
    opened_at_ = Loop::current().now();
    move_to(BreakerState::Open);
}

void CircuitBreaker::move_to(BreakerState to) {
    Loop& loop = Loop::current();
    transitions_.push_back(BreakerTransition{loop.now(), state_, to});
    loop.record_breaker(state_, to, channel::breaker);
    state_ = to;
    ++epoch_;
    if (to == BreakerState::Closed) failures_ = 0;
}

}  // namespace asynclab

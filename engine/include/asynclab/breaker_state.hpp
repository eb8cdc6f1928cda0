#pragma once
// The three states of a circuit breaker (circuit_breaker.hpp); a header of their own because the
// trace records a breaker's changes as typed events.

#include <cstdint>
#include <string_view>

namespace asynclab {

enum class BreakerState : std::uint8_t { Closed, Open, HalfOpen };

/// "closed", "open", "half-open".
std::string_view to_string(BreakerState state) noexcept;

}  // namespace asynclab

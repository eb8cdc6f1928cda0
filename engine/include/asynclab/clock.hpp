#pragma once
// Loop time. Integer nanoseconds so that virtual-clock figures are exact (0.100 s, never 0.1003 s).

#include <chrono>
#include <cmath>
#include <cstdint>

namespace asynclab {

/// A span of loop time, and also a point in loop time (time since the loop started).
using Duration = std::chrono::nanoseconds;

/// Seconds as learners type them (0.05) to an exact Duration.
inline Duration secs(double seconds) {
    return Duration{static_cast<std::int64_t>(std::llround(seconds * 1e9))};
}

inline double to_secs(Duration d) {
    return static_cast<double>(d.count()) / 1e9;
}

enum class ClockMode {
    Real,     ///< Timers wait for the wall clock (scaled by the loop's speed).
    Virtual,  ///< When nothing can run, time jumps straight to the next timer.
};

}  // namespace asynclab

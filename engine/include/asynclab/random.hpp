#pragma once
// The run's one seeded generator. Every random choice in a run comes from it, so the same seed
// replays the same run. The mappings are written out (not std::uniform_*_distribution, whose
// output the standard leaves to each library) so a seed means the same thing everywhere.

#include <cstdint>
#include <random>

namespace asynclab {

class Random {
  public:
    explicit Random(std::uint64_t seed) : gen_(seed) {}

    std::uint64_t next() { return gen_(); }

    /// Uniform in [0, 1).
    double unit() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }

    /// Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }

    /// Uniform integer in [lo, hi].
    std::int64_t integer(std::int64_t lo, std::int64_t hi) {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
        return lo + static_cast<std::int64_t>(gen_() % span);
    }

    /// True with probability p.
    bool chance(double p) { return unit() < p; }

  private:
    std::mt19937_64 gen_;
};

}  // namespace asynclab

#pragma once
// A lesson's knobs: the command-line values a learner turns (--workers 4, --delays 0.2,0.1) to see
// what changes. Each is declared with its kind, default and valid range, and parsed with one clear
// error line naming the knob, what was given and what is valid.

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "asynclab/clock.hpp"

namespace asynclab::lessons {

enum class KnobKind {
    Seconds,      ///< 0.05
    Count,        ///< 4
    SecondsList,  ///< 1.0,1.5,0.5
    Fraction,     ///< 0.25 (a probability)
};

struct KnobSpec {
    std::string name;  ///< Without dashes: "work".
    KnobKind kind;
    std::string default_text;
    std::string help;  ///< "seconds each worker spends on an item"
    double min = 0;    ///< Inclusive.
    double max = 0;    ///< Inclusive.
};

using KnobValue = std::variant<double, std::int64_t, std::vector<double>>;

/// A bad knob value: the message is the one line the CLI prints.
class KnobError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Parses `text` for `spec`; throws KnobError.
KnobValue parse_knob(const KnobSpec& spec, std::string_view text);

/// The text a value round-trips through (the quiz shows it, progress records it).
std::string format_knob(const KnobValue& value);

/// Values for every knob of a lesson: the defaults, overridden by what the learner gave.
class Knobs {
  public:
    Knobs() = default;
    /// Throws KnobError for an unknown knob name or a bad value.
    Knobs(const std::vector<KnobSpec>& specs, const std::map<std::string, std::string>& given);

    [[nodiscard]] Duration seconds(std::string_view name) const;
    [[nodiscard]] double number(std::string_view name) const;
    [[nodiscard]] int count(std::string_view name) const;
    [[nodiscard]] std::vector<Duration> seconds_list(std::string_view name) const;
    [[nodiscard]] const std::map<std::string, KnobValue, std::less<>>& values() const noexcept {
        return values_;
    }

  private:
    [[nodiscard]] const KnobValue& at(std::string_view name) const;
    std::map<std::string, KnobValue, std::less<>> values_;
};

}  // namespace asynclab::lessons

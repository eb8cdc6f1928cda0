#pragma once
// A lesson's knobs: the command-line values a learner turns (--workers 4, --delays 0.2,0.1) to see
// what changes. Each lesson declares its knobs in its lesson_data file — kind, default, range —
// and this is the one place a value is checked against that declaration: one clear error line
// naming the knob, what was given and what is valid. Values then travel typed, and a demo reads
// them with a typed accessor (demo.count("workers"), demo.seconds("work")).

#include <cstddef>
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
    Threads,      ///< 4: a count that also sizes the loop's thread pool
    SecondsList,  ///< 1.0,1.5,0.5
    Fraction,     ///< 0.25 (a probability)
};

struct KnobSpec {
    std::string name;  ///< Without dashes: "work".
    KnobKind kind = KnobKind::Count;
    std::string default_text;
    std::string help;           ///< "seconds each worker spends on an item"
    double min = 0;             ///< Inclusive.
    double max = 0;             ///< Inclusive.
    std::size_t max_items = 1;  ///< SecondsList: the longest list.
};

/// A bound on knobs together, where each alone is in range but their combination would make a
/// run too big to draw quickly: `scale` × the product of `times` (a list counts as its sum) × the
/// smallest of `least` (when given) ÷ the product of `per` must stay at most `max`. Lesson 5:
/// --jobs × --block ÷ --pool ÷ --tick, the ticks the ticker makes while the pool works.
struct KnobLimit {
    std::vector<std::string> times;
    std::vector<std::string> least;
    std::vector<std::string> per;
    double scale = 1;
    double max = 0;
    std::string what;  ///< What the figure counts: "ticks of the ticker".
};

struct KnobTable {
    std::vector<KnobSpec> specs;
    std::vector<KnobLimit> limits;
    [[nodiscard]] const KnobSpec* find(std::string_view name) const;
};

using KnobValue = std::variant<double, std::int64_t, std::vector<double>>;

/// A bad knob value: the message is the one line the CLI prints.
class KnobError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Parses `text` for `spec`; throws KnobError.
KnobValue parse_knob(const KnobSpec& spec, std::string_view text);

/// A knob's range as `run --help` states it: "1 to 1000", "0 to 10 s".
std::string knob_range(const KnobSpec& spec);

/// A limit's knobs as its error names them: "--jobs × --block ÷ --pool ÷ --tick".
std::string limit_formula(const KnobLimit& limit);

/// The text a value round-trips through (the quiz shows it, progress records it).
std::string format_knob(const KnobValue& value);

/// Values for every knob of a lesson: the defaults, overridden by what the learner gave.
class Knobs {
  public:
    Knobs() = default;
    /// `given`: knob name -> the text on the command line. Throws KnobError for a bad value or
    /// a broken limit (an unknown name is the caller's to report: it knows the lesson).
    Knobs(const KnobTable& table, const std::map<std::string, std::string>& given);

    [[nodiscard]] Duration seconds(std::string_view name) const;
    [[nodiscard]] double number(std::string_view name) const;
    [[nodiscard]] int count(std::string_view name) const;
    /// A count as a size: a Semaphore's permits, a Queue's capacity.
    [[nodiscard]] std::size_t size(std::string_view name) const;
    [[nodiscard]] std::vector<Duration> seconds_list(std::string_view name) const;
    [[nodiscard]] const KnobValue& at(std::string_view name) const;
    [[nodiscard]] const std::map<std::string, KnobValue, std::less<>>& values() const noexcept {
        return values_;
    }

  private:
    /// A knob's size in a limit: its value, or a list's sum.
    [[nodiscard]] double magnitude(std::string_view name) const;
    void check(const KnobLimit& limit) const;
    std::map<std::string, KnobValue, std::less<>> values_;
};

}  // namespace asynclab::lessons

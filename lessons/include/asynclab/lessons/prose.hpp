#pragma once
// A lesson's text filled in from its run, so it never states a number the run did not produce.
//
// lesson_data/ texts name the run's figures and knobs instead of writing numbers down:
//
//   {tasks} tasks through {limit} permits took {makespan_s} s        a figure or knob
//   = ceil({tasks} / {limit}) x {work} = {ceil(tasks / limit) * work}  computed, formula shown
//   {lost_updates} lost {lost_updates|update|updates}               one / many
//   {if lost_updates == 0}No update was lost.{else}Updates were lost.{end}   chosen by outcome
//   {{ and }}                                                        literal braces
//
// Inside braces: names (a dot reaches into a figure, where the lookup allows: {handled_by.w0}),
// numbers, + - * / %, comparisons, and/or/not, parentheses, and ceil, floor, round, abs, min,
// max, pow, and len(name) for how many items a list holds. `{expr:spec}` formats a number with
// an fmt spec (`:.1f`).
// A bare name prints as the run shows it: seconds (a name ending in `_s`, or a knob in seconds)
// with three decimals, other numbers in the shortest form, lists joined with ", ".

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "asynclab/value.hpp"

namespace asynclab::lessons {

/// A text that names something the run does not have, or whose braces do not parse.
class ProseError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// What a name in a text stands for.
struct ProseValue {
    Value value;
    bool seconds = false;  ///< Shown as seconds (three decimals) when printed bare.
};

using ProseLookup = std::function<std::optional<ProseValue>(std::string_view name)>;

/// `text` with every brace filled in from `lookup`. Throws ProseError.
[[nodiscard]] std::string fill_prose(std::string_view text, const ProseLookup& lookup);

}  // namespace asynclab::lessons

#pragma once
// A finished task's value as a JSON literal (42, 1.5, true, "A"), recorded in the trace as the
// detail of its Completed event so that views of a run can show what each task returned. Values
// that have no sensible literal are not recorded.

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace asynclab::detail {

/// `text` as a JSON string literal.
std::string json_quoted(std::string_view text);

template <class T>
std::optional<std::string> result_literal(const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
        return value ? "true" : "false";
    } else if constexpr (std::is_integral_v<T>) {
        const fmt::format_int digits(value);  // a traced spawn of a million tasks makes a million
        return std::string(digits.data(), digits.size());
    } else if constexpr (std::is_floating_point_v<T>) {
        return std::isfinite(value) ? fmt::format("{}", value)
                                    : detail::json_quoted(fmt::format("{}", value));
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
        return detail::json_quoted(std::string_view(value));
    } else if constexpr (fmt::is_formattable<T>::value) {
        return detail::json_quoted(fmt::format("{}", value));
    } else {
        return std::nullopt;
    }
}

}  // namespace asynclab::detail

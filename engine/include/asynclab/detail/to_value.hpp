#pragma once
// A finished task's value as a Value for the trace: numbers, text and lists of them as they are;
// anything else fmt can print as its text; the rest as none.

#include <fmt/format.h>

#include <concepts>

#include "asynclab/value.hpp"

namespace asynclab::detail {

template <class T>
Value to_value(const T& value) {
    if constexpr (std::constructible_from<Value, const T&>) {
        return Value(value);
    } else if constexpr (fmt::is_formattable<T>::value) {
        return Value(fmt::format("{}", value));
    } else {
        return Value();
    }
}

}  // namespace asynclab::detail

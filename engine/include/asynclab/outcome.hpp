#pragma once
// Outcome<T>: a finished task's value or its exception — what gather(return_exceptions, ...)
// gives back for each task instead of throwing the first failure.

#include <exception>
#include <type_traits>
#include <variant>

#include "asynclab/errors.hpp"

namespace asynclab {

template <class T>
class Outcome {
  public:
    using Value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

    explicit Outcome(Value value) : v_(std::move(value)) {}
    explicit Outcome(std::exception_ptr error) : v_(std::move(error)) {}

    [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
    [[nodiscard]] bool cancelled() const { return !ok() && is_cancelled(error()); }
    /// The value; rethrows the exception when there is one.
    [[nodiscard]] const Value& value() const {
        if (!ok()) std::rethrow_exception(std::get<1>(v_));
        return std::get<0>(v_);
    }
    [[nodiscard]] std::exception_ptr error() const { return ok() ? nullptr : std::get<1>(v_); }

  private:
    std::variant<Value, std::exception_ptr> v_;
};

}  // namespace asynclab

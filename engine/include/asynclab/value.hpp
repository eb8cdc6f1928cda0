#pragma once
// A value as data: what a task returned, or a figure a lesson reports. Views format it (JSON, the
// summary, the timeline) each in their own way; nothing carries a value pre-formatted as text.

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace asynclab {

class Value;
using ValueList = std::vector<Value>;
/// Named fields in order: a row of a table, a breaker transition {t_s, from, to}.
using ValueRecord = std::vector<std::pair<std::string, Value>>;

class Value {
  public:
    using Data = std::variant<std::monostate, bool, std::int64_t, double, std::string, ValueList,
                              ValueRecord>;

    Value() = default;
    Value(std::nullptr_t) {}  // NOLINT(google-explicit-constructor): none, as JSON's null
    template <class T>
    requires std::same_as<T, bool> Value(T b) : data_(b) {}  // NOLINT(google-explicit-constructor)
    template <std::integral T>
    requires(!std::same_as<T, bool>) Value(T i)
        : data_(static_cast<std::int64_t>(i)) {}  // NOLINT(google-explicit-constructor)
    template <std::floating_point T>
    Value(T d) : data_(static_cast<double>(d)) {}            // NOLINT(google-explicit-constructor)
    Value(std::string s) : data_(std::move(s)) {}            // NOLINT(google-explicit-constructor)
    Value(std::string_view s) : data_(std::string(s)) {}     // NOLINT(google-explicit-constructor)
    Value(const char* s) : data_(std::string(s)) {}          // NOLINT(google-explicit-constructor)
    Value(ValueList items) : data_(std::move(items)) {}      // NOLINT(google-explicit-constructor)
    Value(ValueRecord fields) : data_(std::move(fields)) {}  // NOLINT(google-explicit-constructor)
    /// A list of anything a Value is made from: a vector<int>, a vector<string>...
    template <class T>
    requires std::constructible_from<Value, const T&> Value(
        const std::vector<T>& items)  // NOLINT(google-explicit-constructor)
        : data_(ValueList(items.begin(), items.end())) {}

    [[nodiscard]] const Data& data() const noexcept { return data_; }
    [[nodiscard]] bool is_none() const noexcept {
        return std::holds_alternative<std::monostate>(data_);
    }
    /// The alternative T, or nullptr.
    template <class T>
    [[nodiscard]] const T* get_if() const noexcept {
        return std::get_if<T>(&data_);
    }

    friend bool operator==(const Value& a, const Value& b) { return a.data_ == b.data_; }

  private:
    Data data_;
};

}  // namespace asynclab

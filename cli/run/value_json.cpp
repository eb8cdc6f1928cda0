#include "run/value_json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <type_traits>

namespace asynclab::cli {

using Json = nlohmann::ordered_json;

Json to_json(const Value& value) {
    return std::visit(
        [](const auto& v) -> Json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return nullptr;
            } else if constexpr (std::is_same_v<T, double>) {
                return std::isfinite(v) ? Json(v) : Json(fmt::format("{}", v));
            } else if constexpr (std::is_same_v<T, ValueList>) {
                Json items = Json::array();
                for (const Value& item : v) items.push_back(to_json(item));
                return items;
            } else if constexpr (std::is_same_v<T, ValueRecord>) {
                Json fields = Json::object();
                for (const auto& [name, item] : v) fields[name] = to_json(item);
                return fields;
            } else {
                return Json(v);
            }
        },
        value.data());
}

Value value_from_json(const Json& json) {
    switch (json.type()) {
        case Json::value_t::boolean:
            return Value(json.get<bool>());
        case Json::value_t::number_integer:
            return Value(json.get<std::int64_t>());
        case Json::value_t::number_unsigned:
            return Value(static_cast<std::int64_t>(json.get<std::uint64_t>()));
        case Json::value_t::number_float:
            return Value(json.get<double>());
        case Json::value_t::string:
            return Value(json.get<std::string>());
        case Json::value_t::array: {
            ValueList items;
            for (const Json& item : json) items.push_back(value_from_json(item));
            return Value(std::move(items));
        }
        case Json::value_t::object: {
            ValueRecord fields;
            for (const auto& [name, item] : json.items()) {
                fields.emplace_back(name, value_from_json(item));
            }
            return Value(std::move(fields));
        }
        default:
            return Value();
    }
}

std::string value_literal(const Value& value) {
    return to_json(value).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace asynclab::cli

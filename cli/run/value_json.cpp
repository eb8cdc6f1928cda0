#include "run/value_json.hpp"

namespace asynclab::cli {

nlohmann::ordered_json value_json(const Value& value) {
    using Json = nlohmann::ordered_json;
    return std::visit(
        [](const auto& v) -> Json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return nullptr;
            } else if constexpr (std::is_same_v<T, ValueList>) {
                Json out = Json::array();
                for (const Value& item : v) out.push_back(value_json(item));
                return out;
            } else if constexpr (std::is_same_v<T, ValueRecord>) {
                Json out = Json::object();
                for (const auto& [name, item] : v) out[name] = value_json(item);
                return out;
            } else {
                return v;
            }
        },
        value.data());
}

}  // namespace asynclab::cli

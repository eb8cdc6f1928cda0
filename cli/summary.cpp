#include "summary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace asynclab::cli {

namespace {

bool is_seconds(const std::string& key) {
    return key.size() > 2 && key.ends_with("_s");
}

std::string label(std::string key) {
    if (is_seconds(key)) key.resize(key.size() - 2);
    std::replace(key.begin(), key.end(), '_', ' ');
    return key;
}

std::string value_text(const nlohmann::ordered_json& v, bool seconds) {
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_number()) {
        const double d = v.get<double>();
        return seconds ? fmt::format("{:.3f} s", d) : fmt::format("{:g}", d);
    }
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
        std::string out;
        for (const auto& item : v) out += (out.empty() ? "" : ", ") + value_text(item, seconds);
        return out.empty() ? "none" : out;
    }
    if (v.is_object()) {
        std::string out;
        for (const auto& [k, item] : v.items()) {
            out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", k,
                               value_text(item, is_seconds(k)));
        }
        return out;
    }
    return v.dump();
}

}  // namespace

std::string render_summary(const nlohmann::ordered_json& metrics, const Terminal& term) {
    std::size_t width = 0;
    for (const auto& [key, v] : metrics.items()) width = std::max(width, label(key).size());
    std::string out;
    for (const auto& [key, v] : metrics.items()) {
        out += fmt::format("  {:<{}}  {}\n", label(key), width,
                           term.paint(value_text(v, is_seconds(key)), Style::Accent));
    }
    return out;
}

}  // namespace asynclab::cli

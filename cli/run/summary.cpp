#include "run/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace asynclab::cli {

namespace {

// A metric's unit is in its name (section 5 of the SPEC): "_s" seconds, "_per_s" a rate.
enum class Unit { None, Seconds, PerSecond };

Unit unit_of(std::string_view key) {
    if (key.size() > 6 && key.ends_with("_per_s")) return Unit::PerSecond;
    if (key.size() > 2 && key.ends_with("_s")) return Unit::Seconds;
    return Unit::None;
}

std::string label(std::string key) {
    switch (unit_of(key)) {
        case Unit::PerSecond:
            key.resize(key.size() - 6);
            break;
        case Unit::Seconds:
            key.resize(key.size() - 2);
            break;
        case Unit::None:
            break;
    }
    std::replace(key.begin(), key.end(), '_', ' ');
    return key;
}

std::string value_text(const nlohmann::ordered_json& v, Unit unit) {
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_number()) {
        const double d = v.get<double>();
        switch (unit) {
            case Unit::Seconds:
                return fmt::format("{:.3f} s", d);
            case Unit::PerSecond:
                return fmt::format("{:g} per second", d);
            case Unit::None:
                return fmt::format("{:g}", d);
        }
    }
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
        // A list of records (lesson 6's state changes) reads best one per line.
        const char* sep = !v.empty() && v.front().is_object() ? "\n" : ", ";
        std::string out;
        for (const auto& item : v) out += (out.empty() ? "" : sep) + value_text(item, unit);
        return out.empty() ? "none" : out;
    }
    if (v.is_object() && v.contains("from") && v.contains("to") && v.contains("t_s")) {
        return fmt::format("{} {} -> {}", value_text(v["t_s"], Unit::Seconds),
                           value_text(v["from"], Unit::None), value_text(v["to"], Unit::None));
    }
    if (v.is_object()) {
        std::string out;
        for (const auto& [k, item] : v.items()) {
            out +=
                fmt::format("{}{}: {}", out.empty() ? "" : "; ", k, value_text(item, unit_of(k)));
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
        std::string text = value_text(v, unit_of(key));
        for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) {
            text.insert(at + 1, width + 4, ' ');
            at += width + 5;
        }
        out += fmt::format("  {:<{}}  {}\n", label(key), width, term.paint(text, Style::Accent));
    }
    return out;
}

}  // namespace asynclab::cli

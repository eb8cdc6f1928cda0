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

const Value* field(const ValueRecord& record, std::string_view name) {
    for (const auto& [key, v] : record) {
        if (key == name) return &v;
    }
    return nullptr;
}

std::string value_text(const Value& v, Unit unit) {
    if (const auto* b = v.get_if<bool>()) return *b ? "yes" : "no";
    const auto* i = v.get_if<std::int64_t>();
    if (i != nullptr || v.get_if<double>() != nullptr) {
        const double d = i != nullptr ? static_cast<double>(*i) : *v.get_if<double>();
        switch (unit) {
            case Unit::Seconds:
                return fmt::format("{:.3f} s", d);
            case Unit::PerSecond:
                return fmt::format("{:g} per second", d);
            case Unit::None:
                return fmt::format("{:g}", d);
        }
    }
    if (const auto* s = v.get_if<std::string>()) return *s;
    if (const auto* list = v.get_if<ValueList>()) {
        // A list of records (lesson 6's state changes) reads best one per line.
        const char* sep = !list->empty() && list->front().get_if<ValueRecord>() ? "\n" : ", ";
        std::string out;
        for (const auto& item : *list) out += (out.empty() ? "" : sep) + value_text(item, unit);
        return out.empty() ? "none" : out;
    }
    if (const auto* record = v.get_if<ValueRecord>()) {
        const Value* t = field(*record, "t_s");
        const Value* from = field(*record, "from");
        const Value* to = field(*record, "to");
        if (t != nullptr && from != nullptr && to != nullptr) {
            return fmt::format("{} {} -> {}", value_text(*t, Unit::Seconds),
                               value_text(*from, Unit::None), value_text(*to, Unit::None));
        }
        std::string out;
        for (const auto& [k, item] : *record) {
            out +=
                fmt::format("{}{}: {}", out.empty() ? "" : "; ", k, value_text(item, unit_of(k)));
        }
        return out;
    }
    return "null";  // none
}

}  // namespace

std::string render_summary(const lessons::Metrics& metrics, const Terminal& term) {
    std::size_t width = 0;
    for (const auto& [key, v] : metrics) width = std::max(width, label(key).size());
    std::string out;
    for (const auto& [key, v] : metrics) {
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

#include "run/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "run/demo_page.hpp"
#include "terminal/text.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

// A metric's unit is in its name (section 5 of the SPEC): "_s" seconds, "_per_s" a rate.
enum class Unit { None, Seconds, PerSecond };

/// "(12 items)", after a list cut short.
std::string items_count(std::size_t n) {
    return say(n == 1 ? "summary.item" : "summary.items", fmt::arg("n", n));
}

Unit unit_of(std::string_view key) {
    if (key.size() > 6 && key.ends_with("_per_s")) return Unit::PerSecond;
    if (key.size() > 2 && key.ends_with("_s")) return Unit::Seconds;
    return Unit::None;
}

std::string label(std::string key) {
    // A label the catalog has ("metric.makespan_s"), else the name read as words.
    const std::string id = "metric." + key;
    if (const std::string_view words = lessons::message(id); words != id) return std::string(words);
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

std::string scalar_text(const Value& v, Unit unit) {
    if (const auto* b = v.get_if<bool>()) return tr(*b ? "summary.yes" : "summary.no");
    const auto* i = v.get_if<std::int64_t>();
    if (i != nullptr || v.get_if<double>() != nullptr) {
        const double d = i != nullptr ? static_cast<double>(*i) : *v.get_if<double>();
        switch (unit) {
            case Unit::Seconds:
                return fmt::format("{:.3f} s", d);
            case Unit::PerSecond:
                return say("summary.per_second", fmt::arg("value", d));
            case Unit::None:
                return fmt::format("{:g}", d);
        }
    }
    if (const auto* s = v.get_if<std::string>()) return *s;
    return "null";  // none
}

std::string value_text(const Value& v, Unit unit, int width, bool unicode);

/// A list in one line of at most `width` columns: as many items as fit, then "… (N items)".
std::string list_text(const ValueList& list, Unit unit, int width, bool unicode) {
    if (list.empty()) return tr("summary.none");
    std::vector<std::string> items;
    for (const auto& item : list) items.push_back(value_text(item, unit, width, unicode));
    std::string all;
    for (const auto& item : items) all += (all.empty() ? "" : ", ") + item;
    if (display_width(all) <= width) return all;
    const std::string more = fmt::format("{} {}", unicode ? "…" : "...", items_count(list.size()));
    std::string head;
    for (const auto& item : items) {
        const std::string longer = head + item + ", ";
        if (display_width(longer) + display_width(more) > width) break;
        head = longer;
    }
    return cut_to_width(head + more, width, unicode);
}

/// One value, in one line of at most `width` columns.
std::string value_text(const Value& v, Unit unit, int width, bool unicode) {
    if (const auto* list = v.get_if<ValueList>()) return list_text(*list, unit, width, unicode);
    if (const auto* record = v.get_if<ValueRecord>()) {
        const Value* t = field(*record, "t_s");
        const Value* from = field(*record, "from");
        const Value* to = field(*record, "to");
        std::string out;
        if (t != nullptr && from != nullptr && to != nullptr) {
            out = fmt::format("{} {} -> {}", scalar_text(*t, Unit::Seconds),
                              scalar_text(*from, Unit::None), scalar_text(*to, Unit::None));
        } else {
            for (const auto& [k, item] : *record)
                out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", k,
                                   value_text(item, unit_of(k), width, unicode));
        }
        return cut_to_width(out, width, unicode);
    }
    return cut_to_width(scalar_text(v, unit), width, unicode);
}

/// Most lines one figure takes: a longer list of records ends in "… (N items)".
constexpr std::size_t max_value_lines = 8;

/// A figure's lines, each at most `width` columns: one, or for a list of records (lesson 6's
/// state changes) one per record, or for a record too wide for a line (lesson 3's handled_by
/// at a thousand items) one per field.
std::vector<std::string> value_lines(const Value& v, Unit unit, int width, bool unicode) {
    std::vector<std::string> lines;
    const auto* list = v.get_if<ValueList>();
    if (list != nullptr && !list->empty() && list->front().get_if<ValueRecord>() != nullptr) {
        for (const auto& item : *list) {
            if (lines.size() + 1 == max_value_lines && list->size() > max_value_lines) {
                lines.push_back(
                    fmt::format("{} {}", unicode ? "…" : "...", items_count(list->size())));
                break;
            }
            lines.push_back(value_text(item, unit, width, unicode));
        }
        return lines;
    }
    const auto* record = v.get_if<ValueRecord>();
    if (record != nullptr && !field(*record, "t_s")) {
        const std::string one = value_text(v, unit, width * 4, unicode);
        if (display_width(one) <= width) return {one};
        for (const auto& [k, item] : *record) {
            const std::string key = fmt::format("{}: ", k);
            lines.push_back(key +
                            value_text(item, unit_of(k), width - display_width(key), unicode));
        }
        return lines;
    }
    return {value_text(v, unit, width, unicode)};
}

}  // namespace

std::string render_summary(const lessons::Metrics& metrics, const Terminal& term) {
    int width = 0;
    for (const auto& [key, v] : metrics) width = std::max(width, display_width(label(key)));
    // Figures take the rest of the line; full lists are in --json.
    const int room = std::max(16, term.width - width - 4);
    std::string out;
    for (const auto& [key, v] : metrics) {
        const std::vector<std::string> lines = value_lines(v, unit_of(key), room, term.unicode);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            out += fmt::format("  {}  {}\n", pad_right(i == 0 ? label(key) : "", width),
                               term.paint(lines[i], Style::Accent));
        }
    }
    return out;
}

}  // namespace asynclab::cli

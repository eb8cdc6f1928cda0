#include "asynclab/lessons/prose_lookup.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>

namespace asynclab::lessons {

namespace {

using Names = std::map<std::string, ProseValue, std::less<>>;

bool seconds_name(std::string_view name) {
    return name.ends_with("_s");
}

Value from_knob(const KnobValue& knob) {
    return std::visit(
        [](const auto& v) -> Value {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::vector<double>>) {
                return Value(v);
            } else {
                return v;
            }
        },
        knob);
}

void add_knobs(Names& names, const Knobs& knobs, const Lesson& lesson) {
    for (const auto& [name, value] : knobs.values()) {
        std::string written = name;
        std::replace(written.begin(), written.end(), '-', '_');
        const KnobSpec* spec = lesson.knob(name);
        const bool seconds =
            seconds_name(written) || (spec != nullptr && (spec->kind == KnobKind::Seconds ||
                                                          spec->kind == KnobKind::SecondsList));
        names.emplace(std::move(written), ProseValue{from_knob(value), seconds});
    }
}

ProseLookup lookup_in(Names names) {
    auto shared = std::make_shared<const Names>(std::move(names));
    return [shared](std::string_view name) -> std::optional<ProseValue> {
        const auto it = shared->find(name);
        if (it == shared->end()) return std::nullopt;
        return it->second;
    };
}

}  // namespace

ProseLookup prose_lookup(const Knobs& knobs, const Lesson& lesson) {
    Names names;
    add_knobs(names, knobs, lesson);
    return lookup_in(std::move(names));
}

ProseLookup prose_lookup(const DemoRun& run, const Knobs& knobs, const Lesson& lesson) {
    Names names;
    for (const auto& [name, value] : run.metrics) {
        names.emplace(name, ProseValue{value, seconds_name(name)});
    }
    names.emplace("duration_s", ProseValue{to_secs(run.duration), true});
    add_knobs(names, knobs, lesson);  // a figure of the same name as a knob wins: emplace keeps it
    return lookup_in(std::move(names));
}

}  // namespace asynclab::lessons

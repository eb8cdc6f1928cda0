#include "asynclab/lessons/knobs.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "asynclab/lessons/language.hpp"
#include "asynclab/lessons/trim_split.hpp"

namespace asynclab::lessons {

namespace {

bool parse_double(std::string_view text, double& out) {
    text = trim(text);
    if (text.empty()) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && std::isfinite(out);
}

std::string expected(const KnobSpec& spec) {
    const auto range = [&](std::string_view id) {
        return say(id, fmt::arg("min", spec.min), fmt::arg("max", spec.max));
    };
    switch (spec.kind) {
        case KnobKind::Seconds:
            return range("knob.expected.seconds");
        case KnobKind::Count:
        case KnobKind::Threads:
            return range("knob.expected.count");
        case KnobKind::Fraction:
            return range("knob.expected.fraction");
        case KnobKind::SecondsList:
            return say("knob.expected.list", fmt::arg("items", spec.max_items),
                       fmt::arg("min", spec.min), fmt::arg("max", spec.max),
                       fmt::arg("example", spec.default_text));
    }
    return "";
}

[[noreturn]] void bad(const KnobSpec& spec, std::string_view text) {
    throw KnobError(say("knob.invalid", fmt::arg("name", spec.name), fmt::arg("value", text),
                        fmt::arg("expected", expected(spec))));
}

double in_range(const KnobSpec& spec, std::string_view whole, std::string_view item) {
    double v = 0;
    if (!parse_double(item, v) || v < spec.min || v > spec.max) bad(spec, whole);
    return v;
}

}  // namespace

KnobValue parse_knob(const KnobSpec& spec, std::string_view text) {
    switch (spec.kind) {
        case KnobKind::Seconds:
        case KnobKind::Fraction:
            return in_range(spec, text, text);
        case KnobKind::Count:
        case KnobKind::Threads: {
            const double v = in_range(spec, text, text);
            if (v != std::floor(v)) bad(spec, text);
            return static_cast<std::int64_t>(v);
        }
        case KnobKind::SecondsList: {
            std::vector<double> values;
            for (const std::string_view item : split(text, ',')) {
                values.push_back(in_range(spec, text, item));
            }
            if (values.size() > spec.max_items) bad(spec, text);
            return values;
        }
    }
    bad(spec, text);
}

std::string format_knob(const KnobValue& value) {
    if (const auto* d = std::get_if<double>(&value)) return fmt::format("{:g}", *d);
    if (const auto* i = std::get_if<std::int64_t>(&value)) return fmt::format("{}", *i);
    const auto& list = std::get<std::vector<double>>(value);
    std::string out;
    for (double d : list) out += fmt::format("{}{:g}", out.empty() ? "" : ",", d);
    return out;
}

const KnobSpec* KnobTable::find(std::string_view name) const {
    auto it =
        std::find_if(specs.begin(), specs.end(), [&](const KnobSpec& s) { return s.name == name; });
    return it == specs.end() ? nullptr : &*it;
}

Knobs::Knobs(const KnobTable& table, const std::map<std::string, std::string>& given) {
    for (const auto& spec : table.specs) values_[spec.name] = parse_knob(spec, spec.default_text);
    for (const auto& [name, text] : given) {
        const KnobSpec* spec = table.find(name);
        if (spec == nullptr) throw KnobError(say("knob.not_here", fmt::arg("name", name)));
        values_[name] = parse_knob(*spec, text);
    }
    for (const KnobLimit& limit : table.limits) check(limit);
}

double Knobs::magnitude(std::string_view name) const {
    const KnobValue& v = at(name);
    if (const auto* list = std::get_if<std::vector<double>>(&v)) {
        double sum = 0;
        for (double d : *list) sum += d;
        return sum;
    }
    return number(name);
}

std::string knob_range(const KnobSpec& spec) {
    switch (spec.kind) {
        case KnobKind::Seconds:
            return say("knob.range.seconds", fmt::arg("min", spec.min), fmt::arg("max", spec.max));
        case KnobKind::SecondsList:
            return say("knob.range.list", fmt::arg("items", spec.max_items),
                       fmt::arg("min", spec.min), fmt::arg("max", spec.max));
        case KnobKind::Count:
        case KnobKind::Threads:
        case KnobKind::Fraction:
            break;
    }
    return say("knob.range.plain", fmt::arg("min", spec.min), fmt::arg("max", spec.max));
}

std::string limit_formula(const KnobLimit& limit) {
    std::string names;
    for (const auto& name : limit.times)
        names += fmt::format("{}--{}", names.empty() ? "" : " × ", name);
    if (!limit.least.empty()) {
        std::string which;
        for (const auto& name : limit.least)
            which += fmt::format("{}--{}", which.empty() ? "" : message("knob.and"), name);
        names += fmt::format("{}{}", names.empty() ? "" : " × ",
                             say("knob.smaller_of", fmt::arg("names", which)));
    }
    for (const auto& name : limit.per) names += fmt::format(" ÷ --{}", name);
    return names;
}

void Knobs::check(const KnobLimit& limit) const {
    double figure = limit.scale;
    for (const auto& name : limit.times) figure *= magnitude(name);
    if (!limit.least.empty()) {
        double least = magnitude(limit.least.front());
        for (const auto& name : limit.least) least = std::min(least, magnitude(name));
        figure *= least;
    }
    for (const auto& name : limit.per) {
        const double d = magnitude(name);
        if (d <= 0) return;  // nothing to divide by: the limit does not apply
        figure /= d;
    }
    if (figure <= limit.max) return;
    throw KnobError(say("knob.too_big", fmt::arg("formula", limit_formula(limit)),
                        fmt::arg("figure", std::ceil(figure)), fmt::arg("what", limit.what),
                        fmt::arg("max", limit.max)));
}

const KnobValue& Knobs::at(std::string_view name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw KnobError(fmt::format("no knob named {}", name));
    return it->second;
}

Duration Knobs::seconds(std::string_view name) const {
    return secs(number(name));
}

double Knobs::number(std::string_view name) const {
    const KnobValue& v = at(name);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    return std::get<double>(v);
}

int Knobs::count(std::string_view name) const {
    return static_cast<int>(std::get<std::int64_t>(at(name)));
}

std::size_t Knobs::size(std::string_view name) const {
    return static_cast<std::size_t>(std::get<std::int64_t>(at(name)));
}

std::vector<Duration> Knobs::seconds_list(std::string_view name) const {
    std::vector<Duration> out;
    for (double d : std::get<std::vector<double>>(at(name))) out.push_back(secs(d));
    return out;
}

}  // namespace asynclab::lessons

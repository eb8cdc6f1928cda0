#pragma once
// Running a lesson demo under the virtual clock and reading its figures.

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/run.hpp"

namespace asynclab::testing {

inline lessons::DemoRun run_demo(int lesson_number, const std::string& demo,
                                 const std::map<std::string, std::string>& knobs = {},
                                 std::uint64_t seed = 42) {
    const lessons::Lesson* lesson = lessons::find_lesson(lesson_number);
    REQUIRE(lesson != nullptr);
    const lessons::DemoSpec* spec = lesson->demo(demo);
    REQUIRE(spec != nullptr);
    lessons::RunOptions options;
    options.seed = seed;
    return lessons::run_demo(*lesson, *spec, lessons::Knobs(lesson->knobs(), knobs), options);
}

/// A figure as JSON, to compare with JSON literals (as the `--json` report writes it).
inline nlohmann::ordered_json value_json(const Value& value) {
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

/// A run's figures as one JSON object.
inline nlohmann::ordered_json metrics_json(const lessons::DemoRun& run) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [name, value] : run.metrics) out[name] = value_json(value);
    return out;
}

/// The printed lines of a run, "0.050 job: cancelled ...".
inline std::vector<std::string> output_of(const lessons::DemoRun& run) {
    std::vector<std::string> out;
    for (const auto& e : run.trace.events()) {
        if (e.type == EventType::Log && e.name == channel::output) out.emplace_back(e.text);
    }
    return out;
}

}  // namespace asynclab::testing

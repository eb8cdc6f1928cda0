#pragma once
// Running a lesson demo under the virtual clock and reading its figures.

#include <doctest/doctest.h>

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
    return lessons::run_demo(*lesson, *spec, lessons::Knobs(lesson->knobs, knobs), options);
}

/// The printed lines of a run, "0.050 job: cancelled ...".
inline std::vector<std::string> output_of(const lessons::DemoRun& run) {
    std::vector<std::string> out;
    for (const auto& e : run.trace.events()) {
        if (e.type == EventType::Log && e.name == channel::output) out.push_back(e.text);
    }
    return out;
}

}  // namespace asynclab::testing

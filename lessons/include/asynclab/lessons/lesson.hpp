#pragma once
// What a lesson is: a number and slug, its knobs, and its demos — each demo a coroutine that runs
// as the main task of a fresh loop. The prose around them lives in lesson_data/ (see text.hpp).
//
// A demo reports the figures that prove its point with demo.metric(...). It reads its knobs with
// demo.seconds("work"), demo.count("workers")...; the Demo outlives the run, so the reference a
// demo coroutine takes to it stays valid.

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "asynclab/engine.hpp"
#include "asynclab/lessons/knobs.hpp"

namespace asynclab::lessons {

class Demo {
  public:
    Demo(const Knobs& knobs, nlohmann::ordered_json& metrics) : knobs_(knobs), metrics_(metrics) {}

    [[nodiscard]] Duration seconds(std::string_view knob) const { return knobs_.seconds(knob); }
    [[nodiscard]] double number(std::string_view knob) const { return knobs_.number(knob); }
    [[nodiscard]] int count(std::string_view knob) const { return knobs_.count(knob); }
    [[nodiscard]] std::vector<Duration> seconds_list(std::string_view knob) const {
        return knobs_.seconds_list(knob);
    }

    /// Records a figure for the summary and the JSON (times in seconds: name them "..._s").
    template <class T>
    void metric(const std::string& name, T&& value) {
        metrics_[name] = std::forward<T>(value);
    }
    /// A time as seconds.
    void metric(const std::string& name, Duration value) { metrics_[name] = to_secs(value); }

    /// The run's seeded generator.
    [[nodiscard]] Random& random() const { return Loop::current().random(); }

  private:
    const Knobs& knobs_;
    nlohmann::ordered_json& metrics_;
};

using DemoBody = Task<void> (*)(Demo&);

struct DemoSpec {
    std::string id;
    DemoBody body;
};

struct Lesson {
    int number;
    std::string slug;
    std::string source_file;  ///< The file `show --code` prints: "lessons/cpp/01_tasks.cpp".
    std::vector<KnobSpec> knobs;
    std::vector<DemoSpec> demos;
    /// Lets a lesson shape its loops from its knobs (lesson 5 sizes the thread pool).
    void (*configure)(LoopOptions&, const Knobs&) = nullptr;

    [[nodiscard]] const DemoSpec* demo(std::string_view id) const;
    [[nodiscard]] const KnobSpec* knob(std::string_view name) const;
};

/// Every lesson, in order.
std::span<const Lesson* const> all_lessons();
/// Lesson `number`, or nullptr.
const Lesson* find_lesson(int number);

// Each lesson's definition, in its own file.
const Lesson& lesson_tasks();
const Lesson& lesson_timeouts();
const Lesson& lesson_queue();
const Lesson& lesson_semaphore();
const Lesson& lesson_executor();
const Lesson& lesson_resilience();

}  // namespace asynclab::lessons

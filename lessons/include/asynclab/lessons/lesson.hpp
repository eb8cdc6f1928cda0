#pragma once
// What a lesson is: a number and slug, and its demos — each demo a coroutine that runs as the
// main task of a fresh loop. Its knobs and the prose around the demos live in lesson_data/ (see
// text.hpp), so a lesson's .cpp file holds only the lesson.
//
// A demo reads its knobs with demo.seconds("work"), demo.count("workers")... and reports the
// figures that prove its point with demo.metric(...), as plain values that the summary and the
// JSON format. The Demo outlives the run, so the reference a demo coroutine takes to it stays
// valid.

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asynclab/engine.hpp"
#include "asynclab/lessons/knobs.hpp"
#include "asynclab/value.hpp"

namespace asynclab::lessons {

/// A demo's figures, in the order it reported them.
using Metrics = std::vector<std::pair<std::string, Value>>;

class Demo {
  public:
    Demo(const Knobs& knobs, Metrics& metrics) : knobs_(knobs), metrics_(metrics) {}

    [[nodiscard]] Duration seconds(std::string_view knob) const { return knobs_.seconds(knob); }
    [[nodiscard]] double number(std::string_view knob) const { return knobs_.number(knob); }
    [[nodiscard]] int count(std::string_view knob) const { return knobs_.count(knob); }
    /// A count knob as a size: a Semaphore's permits, a Queue's capacity.
    [[nodiscard]] std::size_t size(std::string_view knob) const { return knobs_.size(knob); }
    [[nodiscard]] std::vector<Duration> seconds_list(std::string_view knob) const {
        return knobs_.seconds_list(knob);
    }

    /// Records a figure for the summary and the JSON (times in seconds: name them "..._s").
    void metric(std::string name, Value value);
    /// A time, as seconds.
    void metric(std::string name, Duration value);
    /// A circuit breaker's changes of state, each {t_s, from, to}.
    void metric(std::string name, const std::vector<BreakerTransition>& changes);

    /// The run's seeded generator.
    [[nodiscard]] Random& random() const { return Loop::current().random(); }

  private:
    const Knobs& knobs_;
    Metrics& metrics_;
};

using DemoBody = Task<void> (*)(Demo&);

struct DemoSpec {
    std::string id;
    DemoBody body;
};

struct Lesson {
    int number;
    std::string slug;
    std::vector<DemoSpec> demos;

    /// The file `show --code` prints: "lessons/cpp/01_tasks.cpp".
    [[nodiscard]] std::string source_file() const;
    /// Its knobs, from its lesson_data file. Throws TextError when that file is broken.
    [[nodiscard]] const KnobTable& knobs() const;
    [[nodiscard]] const DemoSpec* demo(std::string_view id) const;
    [[nodiscard]] const KnobSpec* knob(std::string_view name) const { return knobs().find(name); }
};

/// A bool as Python prints it: a live line is the line the lesson's asyncio twin prints.
constexpr const char* python_bool(bool b) {
    return b ? "True" : "False";
}

/// The knobs of `lesson` from what the learner gave (name -> text): the one place they are
/// checked. Throws KnobError naming the knob (an unknown one with the lesson's list of knobs).
Knobs parse_knobs(const Lesson& lesson, const std::map<std::string, std::string>& given);

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
const Lesson& lesson_structure();
const Lesson& lesson_cache();

}  // namespace asynclab::lessons

// The list of lessons, in order. A new lesson is added here and in lessons/CMakeLists.txt.
#include <algorithm>
#include <array>

#include "asynclab/lessons/lesson.hpp"

namespace asynclab::lessons {

std::span<const Lesson* const> all_lessons() {
    static const std::array<const Lesson*, 6> lessons{&lesson_tasks(),    &lesson_timeouts(),
                                                      &lesson_queue(),    &lesson_semaphore(),
                                                      &lesson_executor(), &lesson_resilience()};
    return lessons;
}

const Lesson* find_lesson(int number) {
    for (const Lesson* l : all_lessons()) {
        if (l->number == number) return l;
    }
    return nullptr;
}

const DemoSpec* Lesson::demo(std::string_view id) const {
    auto it =
        std::find_if(demos.begin(), demos.end(), [&](const DemoSpec& d) { return d.id == id; });
    return it == demos.end() ? nullptr : &*it;
}

const KnobSpec* Lesson::knob(std::string_view name) const {
    auto it =
        std::find_if(knobs.begin(), knobs.end(), [&](const KnobSpec& k) { return k.name == name; });
    return it == knobs.end() ? nullptr : &*it;
}

}  // namespace asynclab::lessons

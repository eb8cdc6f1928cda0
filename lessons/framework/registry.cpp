// The list of lessons, in order. A new lesson is added here and in lessons/CMakeLists.txt.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "asynclab/lessons/language.hpp"
#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"

namespace asynclab::lessons {

std::span<const Lesson* const> all_lessons() {
    static const std::array lessons{&lesson_tasks(),     &lesson_timeouts(), &lesson_queue(),
                                    &lesson_semaphore(), &lesson_executor(), &lesson_resilience(),
                                    &lesson_structure(), &lesson_cache()};
    return lessons;
}

const Lesson* find_lesson(int number) {
    for (const Lesson* l : all_lessons()) {
        if (l->number == number) return l;
    }
    return nullptr;
}

std::string Lesson::source_file() const {
    return fmt::format("lessons/cpp/{:02}_{}.cpp", number, slug);
}

const KnobTable& Lesson::knobs() const {
    return lesson_text(number).knobs;
}

const DemoSpec* Lesson::demo(std::string_view id) const {
    auto it =
        std::find_if(demos.begin(), demos.end(), [&](const DemoSpec& d) { return d.id == id; });
    return it == demos.end() ? nullptr : &*it;
}

Knobs parse_knobs(const Lesson& lesson, const std::map<std::string, std::string>& given) {
    for (const auto& [name, value] : given) {
        if (lesson.knob(name) != nullptr) continue;
        std::string valid;
        for (const auto& k : lesson.knobs().specs)
            valid += (valid.empty() ? "--" : ", --") + k.name;
        throw KnobError(say("knob.not_of_lesson", fmt::arg("name", name),
                            fmt::arg("n", lesson.number), fmt::arg("slug", lesson.slug),
                            fmt::arg("valid", valid)));
    }
    return Knobs(lesson.knobs(), given);
}

}  // namespace asynclab::lessons

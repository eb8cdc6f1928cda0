// The progress model and its JSON. Reading is strict (every field of the expected type) because a
// half-understood file would be written back half-lost; the store sets such a file aside instead.
#include "progress/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>

#include "asynclab/lessons/lesson.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

using Json = nlohmann::json;

int count_field(const Json& entry, const char* name, const std::string& where) {
    const auto it = entry.find(name);
    if (it == entry.end()) return 0;
    if (it->is_number_unsigned()) {
        return static_cast<int>(std::min<std::uint64_t>(it->get<std::uint64_t>(), max_count));
    }
    if (!it->is_number_integer() || it->get<long long>() < 0) {
        throw ProgressFormatError(lessons::say("store.format.not_count",
                                               fmt::arg("field", where + "." + std::string(name))));
    }
    return static_cast<int>(std::min<long long>(it->get<long long>(), max_count));
}

std::string text_field(const Json& entry, const char* name, const std::string& where) {
    const auto it = entry.find(name);
    if (it == entry.end() || it->is_null()) return {};
    if (!it->is_string())
        throw ProgressFormatError(lessons::say("store.format.not_text",
                                               fmt::arg("field", where + "." + std::string(name))));
    return it->get<std::string>();
}

std::optional<Score> score_field(const Json& entry, const std::string& where) {
    const auto it = entry.find("best_score");
    if (it == entry.end() || it->is_null()) return std::nullopt;
    if (!it->is_object())
        throw ProgressFormatError(
            lessons::say("store.format.not_object", fmt::arg("field", where + ".best_score")));
    Score s{count_field(*it, "right", where + ".best_score"),
            count_field(*it, "total", where + ".best_score")};
    if (s.total == 0 || s.right > s.total)
        throw ProgressFormatError(
            lessons::say("store.format.impossible", fmt::arg("field", where + ".best_score")));
    return s;
}

LessonProgress lesson_from_json(const Json& entry, const std::string& where) {
    if (!entry.is_object())
        throw ProgressFormatError(
            lessons::say("store.format.not_object", fmt::arg("field", where)));
    LessonProgress p;
    p.runs = count_field(entry, "runs", where);
    p.quiz_attempts = count_field(entry, "quiz_attempts", where);
    p.best = score_field(entry, where);
    if (const auto it = entry.find("passed"); it != entry.end()) {
        if (!it->is_boolean())
            throw ProgressFormatError(
                lessons::say("store.format.not_bool", fmt::arg("field", where + ".passed")));
        p.passed = it->get<bool>();
    }
    p.last_run = text_field(entry, "last_run", where);
    p.last_quiz = text_field(entry, "last_quiz", where);
    return p;
}

ExerciseProgress exercise_from_json(const Json& entry, const std::string& where) {
    if (!entry.is_object())
        throw ProgressFormatError(
            lessons::say("store.format.not_object", fmt::arg("field", where)));
    ExerciseProgress p;
    p.checks = count_field(entry, "checks", where);
    p.hints = count_field(entry, "hints", where);
    if (const auto it = entry.find("passed"); it != entry.end()) {
        if (!it->is_boolean())
            throw ProgressFormatError(
                lessons::say("store.format.not_bool", fmt::arg("field", where + ".passed")));
        p.passed = it->get<bool>();
    }
    p.last_check = text_field(entry, "last_check", where);
    return p;
}

nlohmann::ordered_json optional_text(const std::string& text) {
    return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

}  // namespace

LessonProgress Progress::of(int lesson) const {
    const auto it = lessons.find(lesson);
    return it == lessons.end() ? LessonProgress{} : it->second;
}

ExerciseProgress Progress::of_exercise(const std::string& name) const {
    const auto it = exercises.find(name);
    return it == exercises.end() ? ExerciseProgress{} : it->second;
}

void Progress::record_check(const std::string& exercise, bool passed, const std::string& when) {
    ExerciseProgress& p = exercises[exercise];
    if (p.checks < max_count) ++p.checks;
    p.passed = p.passed || passed;  // a later failing check of a changed file does not un-pass it
    p.last_check = when;
}

int Progress::record_hint(const std::string& exercise, int tiers) {
    ExerciseProgress& p = exercises[exercise];
    p.hints = std::clamp(p.hints + 1, 1, std::max(tiers, 1));
    return p.hints;
}

void Progress::record_run(int lesson, const std::string& when) {
    LessonProgress& p = lessons[lesson];
    if (p.runs < max_count) ++p.runs;
    p.last_run = when;
}

void Progress::record_quiz(int lesson, Score score, bool passed, const std::string& when) {
    LessonProgress& p = lessons[lesson];
    if (p.quiz_attempts < max_count) ++p.quiz_attempts;
    if (!p.best || score.better_than(*p.best)) p.best = score;
    p.passed = p.passed || passed;  // a later, weaker attempt does not un-pass a lesson
    p.last_quiz = when;
}

nlohmann::ordered_json progress_to_json(const Progress& progress) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::object();
    for (const auto& [number, p] : progress.lessons) {
        const lessons::Lesson* lesson = lessons::find_lesson(number);
        nlohmann::ordered_json best = nullptr;
        if (p.best)
            best = {
                {"right", p.best->right}, {"total", p.best->total}, {"percent", p.best->percent()}};
        rows[std::to_string(number)] = {
            {"slug", lesson != nullptr ? nlohmann::ordered_json(lesson->slug)
                                       : nlohmann::ordered_json(nullptr)},
            {"runs", p.runs},
            {"quiz_attempts", p.quiz_attempts},
            {"best_score", best},
            {"passed", p.passed},
            {"last_run", optional_text(p.last_run)},
            {"last_quiz", optional_text(p.last_quiz)}};
    }
    nlohmann::ordered_json exercises = nlohmann::ordered_json::object();
    for (const auto& [name, p] : progress.exercises) {
        exercises[name] = {{"checks", p.checks},
                           {"passed", p.passed},
                           {"hints", p.hints},
                           {"last_check", optional_text(p.last_check)}};
    }
    return {{"format", progress_format},
            {"version", progress_version},
            {"lessons", std::move(rows)},
            {"exercises", std::move(exercises)}};
}

Progress progress_from_json(const Json& doc) {
    if (!doc.is_object() || doc.value("format", Json()) != progress_format) {
        throw ProgressFormatError(lessons::say("store.format.foreign"));
    }
    const auto version = doc.find("version");
    if (version == doc.end() || !version->is_number_integer() || version->get<long long>() < 1) {
        throw ProgressFormatError(lessons::say("store.format.no_version"));
    }
    if (version->get<long long>() > progress_version) {
        throw ProgressTooNew(
            lessons::say("store.format.newer", fmt::arg("version", version->dump())));
    }
    Progress progress;
    if (const auto exercises = doc.find("exercises"); exercises != doc.end()) {
        if (!exercises->is_object())
            throw ProgressFormatError(
                lessons::say("store.format.not_object", fmt::arg("field", "exercises")));
        for (const auto& [name, entry] : exercises->items()) {
            progress.exercises[name] = exercise_from_json(entry, "exercises." + name);
        }
    }
    const auto rows = doc.find("lessons");
    if (rows == doc.end()) return progress;
    if (!rows->is_object())
        throw ProgressFormatError(
            lessons::say("store.format.not_object", fmt::arg("field", "lessons")));
    for (const auto& [key, entry] : rows->items()) {
        int number = 0;
        const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), number);
        if (ec != std::errc{} || end != key.data() + key.size() || number < 1) {
            throw ProgressFormatError(lessons::say("store.format.bad_key", fmt::arg("key", key)));
        }
        progress.lessons[number] = lesson_from_json(entry, "lessons." + key);
    }
    return progress;
}

std::string utc_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace asynclab::cli

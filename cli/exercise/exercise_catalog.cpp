// Reads lesson_data/exercises/NAME/: structure and English words from exercise.toml, the
// learner's language from LANG.toml (the same ids; a word it lacks stays English).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "asynclab/lessons/data_file.hpp"
#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/language.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "exercise/exercise.hpp"
#include "terminal/text_wrap.hpp"
#include "words.hpp"

namespace asynclab::cli {

namespace {

using lessons::TextError;

constexpr std::string_view root = "lesson_data/exercises/";

[[noreturn]] void fail(const std::string& file, const toml::source_region& at,
                       std::string_view what) {
    throw TextError(fmt::format("{}:{}:{}: {}", file, at.begin.line, at.begin.column, what));
}

toml::table parse(const lessons::DataFile& f) {
    return lessons::parse_toml(f.path, f.text);
}

std::string text(const std::string& file, const toml::table& t, std::string_view key,
                 bool required = true) {
    const toml::node* node = t.get(key);
    if (node == nullptr) {
        if (required) fail(file, t.source(), fmt::format("'{}' is missing", key));
        return {};
    }
    if (!node->is_string()) fail(file, node->source(), fmt::format("'{}' must be text", key));
    std::string s = node->value<std::string>().value_or("");
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

template <class Fn>
void each_table(const std::string& file, const toml::table& t, std::string_view key, Fn&& fn) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return;
    const toml::array* list = node->as_array();
    if (list == nullptr)
        fail(file, node->source(), fmt::format("'{}' must be [[{}]] tables", key, key));
    for (const toml::node& item : *list) {
        const toml::table* table = item.as_table();
        if (table == nullptr)
            fail(file, item.source(), fmt::format("each '{}' must be a table", key));
        fn(*table);
    }
}

std::vector<std::string> hints(const std::string& file, const toml::table& t) {
    std::vector<std::string> out;
    const toml::node* node = t.get("hints");
    if (node == nullptr) return out;
    const toml::array* list = node->as_array();
    if (list == nullptr) fail(file, node->source(), "'hints' must be a list of texts");
    for (const toml::node& h : *list) {
        if (!h.is_string()) fail(file, h.source(), "each hint must be text");
        out.push_back(h.value<std::string>().value_or(""));
    }
    return out;
}

Exercise read_exercise(std::string_view name) {
    const auto f = lessons::data_file(fmt::format("{}{}/exercise.toml", root, name));
    if (!f) throw TextError(fmt::format("{}{}/exercise.toml: missing", root, name));
    const toml::table doc = parse(*f);
    const toml::table* head = doc["exercise"].as_table();
    if (head == nullptr) fail(f->path, doc.source(), "[exercise] is missing");
    Exercise e;
    e.name = std::string(name);
    const auto lesson = (*head)["lesson"].value<std::int64_t>();
    if (!lesson || !lessons::find_lesson(static_cast<int>(*lesson)))
        fail(f->path, head->source(), "'lesson' must be the number of a lesson");
    e.lesson = static_cast<int>(*lesson);
    e.title = text(f->path, *head, "title");
    e.summary = text(f->path, *head, "summary");
    e.task = text(f->path, *head, "task");
    e.hints = hints(f->path, *head);
    if (e.hints.empty()) fail(f->path, head->source(), "'hints' must give at least one hint");
    each_table(f->path, doc, "scenario", [&](const toml::table& s) {
        ExerciseScenario scenario{text(f->path, s, "id"), text(f->path, s, "title"), {}};
        each_table(f->path, s, "check", [&](const toml::table& c) {
            scenario.checks.push_back(
                {text(f->path, c, "id"), text(f->path, c, "title"), text(f->path, c, "fail")});
        });
        if (scenario.checks.empty())
            fail(f->path, s.source(),
                 fmt::format("scenario {} has no [[scenario.check]]", scenario.id));
        e.scenarios.push_back(std::move(scenario));
    });
    if (e.scenarios.empty()) fail(f->path, doc.source(), "an exercise needs a [[scenario]]");
    const auto starter = lessons::data_file(fmt::format("{}{}/starter.py", root, name));
    const auto checks = lessons::data_file(fmt::format("{}{}/checks.py", root, name));
    if (!starter || !checks)
        throw TextError(fmt::format("{}{}/: starter.py and checks.py are both needed", root, name));
    e.starter = starter->text;
    e.checks = checks->text;
    return e;
}

/// The learner's language's words over the English ones, matched by id.
void translate(Exercise& e, const lessons::Language& language) {
    const auto f = lessons::data_file(fmt::format("{}{}/{}.toml", root, e.name, language.code));
    if (!f) return;
    const toml::table doc = parse(*f);
    if (const toml::table* head = doc["exercise"].as_table()) {
        for (auto [key, field] : {std::pair{"title", &e.title}, std::pair{"summary", &e.summary},
                                  std::pair{"task", &e.task}}) {
            if (std::string s = text(f->path, *head, key, false); !s.empty()) *field = s;
        }
        if (auto h = hints(f->path, *head); !h.empty()) {
            if (h.size() != e.hints.size())
                fail(f->path, head->source(),
                     fmt::format("'hints' must have {} hints, as the English", e.hints.size()));
            e.hints = std::move(h);
        }
    }
    each_table(f->path, doc, "scenario", [&](const toml::table& s) {
        const std::string id = text(f->path, s, "id");
        auto it = std::find_if(e.scenarios.begin(), e.scenarios.end(),
                               [&](const ExerciseScenario& x) { return x.id == id; });
        if (it == e.scenarios.end())
            fail(f->path, s.source(), fmt::format("no scenario '{}' in exercise.toml", id));
        if (std::string t = text(f->path, s, "title", false); !t.empty()) it->title = t;
        each_table(f->path, s, "check", [&](const toml::table& c) {
            const std::string check_id = text(f->path, c, "id");
            auto ct = std::find_if(it->checks.begin(), it->checks.end(),
                                   [&](const ExerciseCheck& x) { return x.id == check_id; });
            if (ct == it->checks.end())
                fail(f->path, c.source(),
                     fmt::format("no check '{}' in scenario '{}'", check_id, id));
            if (std::string t = text(f->path, c, "title", false); !t.empty()) ct->title = t;
            if (std::string t = text(f->path, c, "fail", false); !t.empty()) ct->fail = t;
        });
    });
}

std::vector<Exercise> load_all(const lessons::Language& language) {
    std::vector<std::string> names;
    for (const lessons::EmbeddedFile& f : lessons::embedded_data()) {
        if (!f.path.starts_with(root) || !f.path.ends_with("/exercise.toml")) continue;
        std::string_view rest = f.path.substr(root.size());
        names.emplace_back(rest.substr(0, rest.find('/')));
    }
    std::vector<Exercise> all;
    for (const std::string& name : names) {
        Exercise e = read_exercise(name);
        translate(e, language);
        all.push_back(std::move(e));
    }
    std::sort(all.begin(), all.end(), [](const Exercise& a, const Exercise& b) {
        return std::tie(a.lesson, a.name) < std::tie(b.lesson, b.name);
    });
    return all;
}

}  // namespace

std::size_t Exercise::check_count() const {
    std::size_t n = 0;
    for (const ExerciseScenario& s : scenarios) n += s.checks.size();
    return n;
}

const std::vector<Exercise>& exercises() {
    static std::mutex mutex;
    static std::map<std::string_view, std::vector<Exercise>> loaded;  // by language code
    const std::lock_guard lock(mutex);
    const lessons::Language& language = lessons::current_language();
    auto it = loaded.find(language.code);
    if (it == loaded.end()) it = loaded.emplace(language.code, load_all(language)).first;
    return it->second;
}

const Exercise& require_exercise(std::string_view name) {
    const std::vector<Exercise>& all = exercises();
    for (const Exercise& e : all) {
        if (e.name == name) return e;
    }
    std::string valid;
    for (const Exercise& e : all) valid += (valid.empty() ? "" : ", ") + e.name;
    throw UsageError(say("exercise.unknown", fmt::arg("name", name), fmt::arg("valid", valid)));
}

std::string solution_file_name(const Exercise& exercise) {
    return exercise.name + ".py";
}

std::string starter_file(const Exercise& e) {
    // Comments, not a docstring: the words may hold any quote or backslash.
    constexpr int width = 78;
    auto comment = [](std::string_view block) {
        std::string out;
        std::size_t begin = 0;
        while (begin <= block.size()) {
            const std::size_t nl = std::min(block.find('\n', begin), block.size());
            const std::string_view line = block.substr(begin, nl - begin);
            out += line.empty() ? "#\n" : fmt::format("# {}\n", line);
            begin = nl + 1;
        }
        return out;
    };
    // Every line of it within 80 columns, with the "# " in front.
    const int room = width - 2;
    std::string head = wrap_paragraphs(
        say("exercise.starter.title", fmt::arg("name", e.name), fmt::arg("title", e.title)), room);
    head += "\n" + wrap_paragraphs(e.task, room);
    head += "\n" + wrap_paragraphs(say("exercise.starter.checked", fmt::arg("name", e.name)), room);
    for (const ExerciseScenario& s : e.scenarios) {
        head += wrap_marked("  - ", 4, s.title, room, 4);
        for (const ExerciseCheck& c : s.checks) head += wrap_marked("    · ", 6, c.title, room, 6);
    }
    head += "\n" + wrap_paragraphs(say("exercise.starter.hint", fmt::arg("name", e.name)), room);
    while (head.ends_with('\n')) head.pop_back();
    return comment(head) + "\n" + std::string(e.starter);
}

}  // namespace asynclab::cli

#include "asynclab/lessons/text.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "asynclab/lessons/data_file.hpp"
#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/language.hpp"

namespace asynclab::lessons {

namespace {

/// Reads fields of one TOML table, reporting problems as "file:line:column: message".
class Reader {
  public:
    Reader(std::string_view file, const toml::table& table, const toml::source_region& where)
        : file_(file), table_(table), where_(where) {}

    [[noreturn]] void fail(const toml::source_region& at, std::string_view message) const {
        throw TextError(
            fmt::format("{}:{}:{}: {}", file_, at.begin.line, at.begin.column, message));
    }
    [[noreturn]] void fail(std::string_view message) const { fail(where_, message); }

    const toml::node& need(std::string_view key) const {
        const toml::node* node = table_.get(key);
        if (node == nullptr) fail(fmt::format("missing '{}'", key));
        return *node;
    }

    std::string text(std::string_view key, bool required = true) const {
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            if (required) fail(fmt::format("missing '{}'", key));
            return {};
        }
        if (!node->is_string()) fail(node->source(), fmt::format("'{}' must be text", key));
        return std::string(*node->value<std::string_view>());
    }

    std::int64_t integer(std::string_view key, std::int64_t lo, std::int64_t hi) const {
        const toml::node& node = need(key);
        if (!node.is_integer())
            fail(node.source(), fmt::format("'{}' must be a whole number", key));
        const std::int64_t v = *node.value<std::int64_t>();
        if (v < lo || v > hi)
            fail(node.source(), fmt::format("'{}' is {}; it must be a whole number from {} to {}",
                                            key, v, lo, hi));
        return v;
    }

    const toml::table& table(std::string_view key) const {
        const toml::node& node = need(key);
        if (!node.is_table()) fail(node.source(), fmt::format("'{}' must be a table", key));
        return *node.as_table();
    }

    std::string_view file() const { return file_; }
    const toml::table& raw() const { return table_; }

  private:
    std::string_view file_;
    const toml::table& table_;
    const toml::source_region& where_;
};

/// Answers are letters, a to z.
constexpr std::size_t max_choices = 26;
/// Lesson numbers as `run N` takes them; anything else is a typo.
constexpr std::int64_t max_lesson_number = 99;

int letter_index(const Reader& r, const toml::node& node, std::size_t choices) {
    const auto letter = node.value<std::string_view>();
    if (!letter || letter->size() != 1 || (*letter)[0] < 'a' ||
        static_cast<std::size_t>((*letter)[0] - 'a') >= choices) {
        r.fail(node.source(), fmt::format("an answer must be a letter from a to {}",
                                          static_cast<char>('a' + choices - 1)));
    }
    return (*letter)[0] - 'a';
}

KnobDraw parse_draw(const Reader& r, std::string_view name, const toml::node& node) {
    KnobDraw draw;
    if (const auto* table = node.as_table()) {
        const auto* list = table->get_as<toml::array>("choices");
        if (list == nullptr || list->empty())
            r.fail(node.source(), fmt::format("knob '{}': choices must be a list of texts", name));
        draw.kind = KnobDraw::Kind::Choices;
        for (const auto& c : *list) {
            if (!c.is_string()) r.fail(c.source(), "choices must be texts");
            draw.choices.emplace_back(*c.value<std::string_view>());
        }
        return draw;
    }
    const auto* range = node.as_array();
    if (range == nullptr || (range->size() != 2 && range->size() != 3)) {
        r.fail(node.source(),
               fmt::format("knob '{}': expected [lo, hi], [lo, hi, step] or {{ choices = [...] }}",
                           name));
    }
    auto number = [&](std::size_t i) {
        const auto v = (*range)[i].value<double>();
        if (!v || !std::isfinite(*v))
            r.fail(node.source(), fmt::format("knob '{}': range bounds must be numbers", name));
        return *v;
    };
    draw.lo = number(0);
    draw.hi = number(1);
    if (draw.hi < draw.lo) r.fail(node.source(), fmt::format("knob '{}': hi is below lo", name));
    if (range->size() == 3) {
        draw.kind = KnobDraw::Kind::Grid;
        draw.step = number(2);
        if (draw.step <= 0)
            r.fail(node.source(), fmt::format("knob '{}': step must be positive", name));
    } else if (!(*range)[0].is_integer() || !(*range)[1].is_integer()) {
        r.fail(
            node.source(),
            fmt::format("knob '{}': [lo, hi] takes whole numbers; add a step for seconds", name));
    }
    return draw;
}

std::vector<std::string> parse_choices(const Reader& r) {
    const toml::node& choices = r.need("choices");
    const auto* list = choices.as_array();
    if (list == nullptr || list->size() < 2)
        r.fail(choices.source(), "'choices' must list at least two answers");
    if (list->size() > max_choices)
        r.fail(choices.source(), fmt::format("'choices' lists {} answers; at most {} (a to z)",
                                             list->size(), max_choices));
    std::vector<std::string> out;
    for (const auto& c : *list) {
        if (!c.is_string()) r.fail(c.source(), "each choice must be text");
        out.emplace_back(*c.value<std::string_view>());
    }
    return out;
}

Question parse_question(const Reader& r) {
    Question q;
    q.line = static_cast<int>(r.raw().source().begin.line);
    q.prompt = r.text("prompt");
    q.explain = r.text("explain");
    if (const toml::node* predict = r.raw().get("predict")) {
        const auto* table = predict->as_table();
        if (table == nullptr) r.fail(predict->source(), "'predict' must be a table");
        const Reader p(r.file(), *table, predict->source());
        Predict pr;
        pr.demo = p.text("demo");
        pr.metric = p.text("metric");
        pr.unit = p.text("unit", false);
        pr.tolerance = 0.001;
        if (const toml::node* tolerance = table->get("tolerance")) {
            // value<double>() also takes an integer; inf and nan are refused with the rest.
            const auto v = tolerance->value<double>();
            if (!v || !std::isfinite(*v) || *v < 0)
                p.fail(tolerance->source(), "'tolerance' must be a number, 0 or more");
            pr.tolerance = *v;
        }
        if (const toml::node* knobs = r.raw().get("knobs")) {
            const auto* kt = knobs->as_table();
            if (kt == nullptr) r.fail(knobs->source(), "'knobs' must be a table");
            for (const auto& [name, node] : *kt)
                pr.knobs[std::string(name.str())] = parse_draw(r, name.str(), node);
        }
        q.predict = std::move(pr);
        // A predict question may offer choices; the run says which one is right.
        if (r.raw().get("choices") == nullptr) return q;
        q.choices = parse_choices(r);
        if (const toml::node* answer = r.raw().get("answer")) {
            r.fail(answer->source(),
                   "a predict question's answer comes from the run: drop 'answer'");
        }
        return q;
    }
    q.choices = parse_choices(r);
    const toml::node& answer = r.need("answer");
    if (const auto* many = answer.as_array()) {
        if (many->empty()) r.fail(answer.source(), "'answer' lists no letter");
        for (const auto& a : *many) q.answer.push_back(letter_index(r, a, q.choices.size()));
    } else {
        q.answer.push_back(letter_index(r, answer, q.choices.size()));
    }
    return q;
}

// ---- knobs: [[knob]] and [[knob_limit]] ----------------------------------------------------

KnobKind knob_kind(const Reader& r, const toml::node& node) {
    static const std::map<std::string_view, KnobKind> kinds{{"seconds", KnobKind::Seconds},
                                                            {"count", KnobKind::Count},
                                                            {"threads", KnobKind::Threads},
                                                            {"seconds-list", KnobKind::SecondsList},
                                                            {"fraction", KnobKind::Fraction}};
    const auto name = node.value<std::string_view>();
    const auto it = name ? kinds.find(*name) : kinds.end();
    if (it == kinds.end())
        r.fail(node.source(), "'kind' must be seconds, count, threads, seconds-list or fraction");
    return it->second;
}

double knob_number(const Reader& r, std::string_view key) {
    const toml::node& node = r.need(key);
    const auto v = node.value<double>();
    if (!v || !std::isfinite(*v)) r.fail(node.source(), fmt::format("'{}' must be a number", key));
    return *v;
}

KnobSpec parse_knob_spec(const Reader& r) {
    KnobSpec k;
    k.name = r.text("name");
    k.kind = knob_kind(r, r.need("kind"));
    k.default_text = r.text("default");
    k.help = r.text("help");
    k.min = knob_number(r, "min");
    k.max = knob_number(r, "max");
    if (k.max < k.min) r.fail(fmt::format("knob '{}': max is below min", k.name));
    if (k.kind == KnobKind::SecondsList) {
        // A list is typed on one command line: a thousand items is more than any lesson needs.
        const std::int64_t items = r.integer("max_items", 1, 1000);
        k.max_items = static_cast<std::size_t>(items);
    }
    try {
        parse_knob(k, k.default_text);
    } catch (const KnobError& e) {
        r.fail(fmt::format("the default is not valid: {}", e.what()));
    }
    return k;
}

std::vector<std::string> knob_names(const Reader& r, const KnobTable& table, std::string_view key) {
    std::vector<std::string> names;
    const toml::node* node = r.raw().get(key);
    if (node == nullptr) return names;
    const auto* list = node->as_array();
    if (list == nullptr) r.fail(node->source(), fmt::format("'{}' must list knob names", key));
    for (const auto& n : *list) {
        const auto name = n.value<std::string_view>();
        if (!name || table.find(*name) == nullptr)
            r.fail(n.source(), fmt::format("'{}' must list knobs of this lesson", key));
        names.emplace_back(*name);
    }
    return names;
}

template <class Parse>
void for_each_table(const Reader& top, const toml::table& doc, std::string_view key, Parse parse) {
    const toml::node* node = doc.get(key);
    if (node == nullptr) return;
    const auto* list = node->as_array();
    if (list == nullptr)
        top.fail(node->source(), fmt::format("'{}' must be an array of tables ([[{}]])", key, key));
    for (const auto& item : *list) {
        const auto* table = item.as_table();
        if (table == nullptr)
            top.fail(item.source(), fmt::format("each [[{}]] must be a table", key));
        parse(Reader(top.file(), *table, item.source()));
    }
}

KnobTable parse_knob_table(const Reader& top, const toml::table& doc) {
    KnobTable table;
    for_each_table(top, doc, "knob", [&](const Reader& r) {
        KnobSpec k = parse_knob_spec(r);
        if (table.find(k.name) != nullptr) r.fail(fmt::format("knob '{}' twice", k.name));
        table.specs.push_back(std::move(k));
    });
    for_each_table(top, doc, "knob_limit", [&](const Reader& r) {
        KnobLimit limit{.times = knob_names(r, table, "times"),
                        .least = knob_names(r, table, "least"),
                        .per = knob_names(r, table, "per"),
                        .scale = r.raw().get("scale") ? knob_number(r, "scale") : 1.0,
                        .max = knob_number(r, "max"),
                        .what = r.text("what")};
        if (limit.times.empty() && limit.least.empty())
            r.fail("a knob_limit must name knobs in 'times' or 'least'");
        table.limits.push_back(std::move(limit));
    });
    return table;
}

}  // namespace

const DemoText* LessonText::demo(std::string_view id) const {
    for (const auto& d : demos) {
        if (d.id == id) return &d;
    }
    return nullptr;
}

LessonText parse_lesson_text(std::string_view file, std::string_view toml_text) {
    const toml::table doc = parse_toml(file, toml_text);
    const Reader top(file, doc, doc.source());
    const Reader lesson(file, top.table("lesson"), top.need("lesson").source());
    LessonText text;
    text.file = std::string(file);
    text.number = static_cast<int>(lesson.integer("number", 1, max_lesson_number));
    text.slug = lesson.text("slug");
    text.title = lesson.text("title");
    text.summary = lesson.text("summary");
    text.intro = lesson.text("intro");
    for (const auto& [id, node] : top.table("demo")) {
        const auto* table = node.as_table();
        if (table == nullptr)
            top.fail(node.source(), fmt::format("demo.{} must be a table", id.str()));
        const Reader d(file, *table, node.source());
        DemoText demo{std::string(id.str()), d.text("title"), d.text("explain"), d.text("takeaway"),
                      d.text("watch", false)};
        // It is drawn as one line cut to the terminal: a second line would be lost.
        if (demo.watch.find('\n') != std::string::npos)
            d.fail(table->get("watch")->source(), "'watch' must be one line");
        text.demos.push_back(std::move(demo));
    }
    text.knobs = parse_knob_table(top, doc);
    if (const toml::node* questions = doc.get("question")) {
        const auto* list = questions->as_array();
        if (list == nullptr)
            top.fail(questions->source(), "'question' must be an array of tables ([[question]])");
        for (const auto& node : *list) {
            const auto* table = node.as_table();
            if (table == nullptr) top.fail(node.source(), "each [[question]] must be a table");
            text.questions.push_back(parse_question(Reader(file, *table, node.source())));
        }
    }
    return text;
}

namespace {

std::optional<std::string> optional_text(const Reader& r, std::string_view key) {
    if (r.raw().get(key) == nullptr) return std::nullopt;
    return r.text(key);
}

/// Refuses every key of `r`'s table but `allowed`: structure belongs in the lesson's own file.
void only_words(const Reader& r, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, node] : r.raw()) {
        if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
        r.fail(node.source(),
               fmt::format("'{}' is not a word to translate; structure stays in the lesson's own "
                           "file",
                           key.str()));
    }
}

}  // namespace

LessonWords parse_lesson_words(std::string_view file, std::string_view toml_text,
                               const LessonText& lesson) {
    const toml::table doc = parse_toml(file, toml_text);
    const Reader top(file, doc, doc.source());
    only_words(top, {"lesson", "demo", "knob", "knob_limit", "question"});
    LessonWords words;
    words.file = std::string(file);
    if (doc.get("lesson") != nullptr) {
        const Reader l(file, top.table("lesson"), top.need("lesson").source());
        only_words(l, {"title", "summary", "intro"});
        words.title = optional_text(l, "title");
        words.summary = optional_text(l, "summary");
        words.intro = optional_text(l, "intro");
    }
    if (doc.get("demo") != nullptr) {
        for (const auto& [id, node] : top.table("demo")) {
            const auto* table = node.as_table();
            if (table == nullptr || lesson.demo(id.str()) == nullptr)
                top.fail(node.source(), fmt::format("demo.{}: lesson {} has no such demo", id.str(),
                                                    lesson.number));
            const Reader d(file, *table, node.source());
            only_words(d, {"title", "explain", "takeaway", "watch"});
            LessonWords::Demo demo{optional_text(d, "title"), optional_text(d, "explain"),
                                   optional_text(d, "takeaway"), optional_text(d, "watch")};
            if (demo.watch && demo.watch->find('\n') != std::string::npos)
                d.fail(table->get("watch")->source(), "'watch' must be one line");
            words.demos[std::string(id.str())] = std::move(demo);
        }
    }
    if (doc.get("knob") != nullptr) {
        for (const auto& [name, node] : top.table("knob")) {
            const auto* table = node.as_table();
            if (table == nullptr || lesson.knobs.find(name.str()) == nullptr)
                top.fail(node.source(), fmt::format("knob.{}: lesson {} has no such knob",
                                                    name.str(), lesson.number));
            const Reader k(file, *table, node.source());
            only_words(k, {"help"});
            if (auto help = optional_text(k, "help"))
                words.knob_help[std::string(name.str())] = *help;
        }
    }
    for_each_table(top, doc, "knob_limit", [&](const Reader& r) {
        if (words.knob_limit_what.size() == lesson.knobs.limits.size())
            r.fail(fmt::format("lesson {} has {} knob_limit tables", lesson.number,
                               lesson.knobs.limits.size()));
        only_words(r, {"what"});
        words.knob_limit_what.push_back(optional_text(r, "what"));
    });
    for_each_table(top, doc, "question", [&](const Reader& r) {
        const std::size_t i = words.questions.size();
        if (i == lesson.questions.size())
            r.fail(
                fmt::format("lesson {} has {} questions", lesson.number, lesson.questions.size()));
        only_words(r, {"prompt", "explain", "choices"});
        LessonWords::Question q{optional_text(r, "prompt"), optional_text(r, "explain"), {}};
        if (r.raw().get("choices") != nullptr) {
            q.choices = parse_choices(r);
            if (q.choices->size() != lesson.questions[i].choices.size())
                r.fail(fmt::format("'choices' lists {} answers; the question has {}",
                                   q.choices->size(), lesson.questions[i].choices.size()));
        }
        words.questions.push_back(std::move(q));
    });
    return words;
}

LessonText with_words(LessonText lesson, const LessonWords& words) {
    const auto put = [](std::string& into, const std::optional<std::string>& from) {
        if (from) into = *from;
    };
    put(lesson.title, words.title);
    put(lesson.summary, words.summary);
    put(lesson.intro, words.intro);
    for (DemoText& d : lesson.demos) {
        const auto it = words.demos.find(d.id);
        if (it == words.demos.end()) continue;
        put(d.title, it->second.title);
        put(d.explain, it->second.explain);
        put(d.takeaway, it->second.takeaway);
        put(d.watch, it->second.watch);
    }
    for (KnobSpec& k : lesson.knobs.specs) {
        if (auto it = words.knob_help.find(k.name); it != words.knob_help.end())
            k.help = it->second;
    }
    for (std::size_t i = 0; i < words.knob_limit_what.size(); ++i)
        put(lesson.knobs.limits[i].what, words.knob_limit_what[i]);
    for (std::size_t i = 0; i < words.questions.size(); ++i) {
        Question& q = lesson.questions[i];
        put(q.prompt, words.questions[i].prompt);
        put(q.explain, words.questions[i].explain);
        if (words.questions[i].choices) q.choices = *words.questions[i].choices;
    }
    return lesson;
}

namespace {

LessonText load_lesson(int number) {
    const std::string prefix = fmt::format("lesson_data/{:02}-", number);
    const std::optional<std::string> path = data_path(prefix);
    if (!path) throw TextError(fmt::format("no lesson_data file for lesson {}", number));
    const std::optional<DataFile> file = data_file(*path);
    LessonText text = parse_lesson_text(file->path, file->text);
    if (text.number != number)
        throw TextError(fmt::format("{}: says it is lesson {}", file->path, text.number));
    return text;
}

}  // namespace

std::optional<LessonWords> lesson_words(int number, std::string_view language) {
    if (language == languages().front().code) return std::nullopt;
    const LessonText& english = lesson_text(number, languages().front().code);
    const std::string name =
        std::filesystem::path(english.file).filename().string();  // 03-queue.toml
    const std::optional<DataFile> file =
        data_file(fmt::format("lesson_data/{}/{}", language, name));
    if (!file) return std::nullopt;
    return parse_lesson_words(file->path, file->text, english);
}

const LessonText& lesson_text(int number) {
    return lesson_text(number, current_language().code);
}

const LessonText& lesson_text(int number, std::string_view language) {
    static std::recursive_mutex mutex;
    static std::map<std::pair<std::string, int>, std::unique_ptr<LessonText>> cache;
    const std::lock_guard lock(mutex);
    const auto key = std::make_pair(std::string(language), number);
    if (auto it = cache.find(key); it != cache.end()) return *it->second;
    LessonText text = load_lesson(number);
    if (const std::optional<LessonWords> words = lesson_words(number, language))
        text = with_words(std::move(text), *words);
    return *cache.emplace(key, std::make_unique<LessonText>(std::move(text))).first->second;
}

}  // namespace asynclab::lessons

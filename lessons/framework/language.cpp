#include "asynclab/lessons/language.hpp"

#include <toml++/toml.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "asynclab/lessons/data_file.hpp"
#include "asynclab/lessons/embedded.hpp"
#include "asynclab/lessons/text.hpp"

namespace asynclab::lessons {

namespace {

// A new language: its folder in lesson_data/ and one line here.
constexpr std::array<Language, 2> all_languages{{
    {"en", "English"},
    {"zh", "中文"},
}};

std::atomic<const Language*> chosen{&all_languages[0]};

void flatten(const std::string& file, const toml::table& table, const std::string& prefix,
             std::map<std::string, std::string>& out) {
    for (const auto& [key, node] : table) {
        const std::string id =
            prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
        if (const auto* inner = node.as_table()) {
            flatten(file, *inner, id, out);
        } else if (const auto text = node.value<std::string_view>()) {
            out[id] = std::string(*text);
        } else {
            const auto& at = node.source().begin;
            throw TextError(
                fmt::format("{}:{}:{}: '{}' must be text", file, at.line, at.column, id));
        }
    }
}

std::map<std::string, std::string> load_catalog(const Language& language) {
    std::map<std::string, std::string> out;
    const auto file = data_file(fmt::format("lesson_data/{}/messages.toml", language.code));
    if (!file) return out;
    flatten(file->path, parse_toml(file->path, file->text), "", out);
    return out;
}

}  // namespace

std::span<const Language> languages() noexcept {
    return all_languages;
}

const Language* find_language(std::string_view code) noexcept {
    for (const Language& l : all_languages) {
        if (l.code == code) return &l;
    }
    return nullptr;
}

std::string language_codes() {
    std::string out;
    for (const Language& l : all_languages)
        out += fmt::format("{}{}", out.empty() ? "" : ", ", l.code);
    return out;
}

const Language* language_of_locale(std::string_view locale) noexcept {
    // "zh_CN.UTF-8", "zh-Hans", "zh": the language is what comes before the territory.
    return find_language(locale.substr(0, locale.find_first_of("_.-@")));
}

const Language& language_from_environment() noexcept {
    if (const char* v = std::getenv("ASYNCLAB_LANG"); v != nullptr && *v != '\0') {
        if (const Language* l = language_of_locale(v)) return *l;
    }
    // POSIX: the first of these that is set decides the messages' language.
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* v = std::getenv(name);
        if (v == nullptr || *v == '\0') continue;
        const Language* l = language_of_locale(v);
        return l != nullptr ? *l : all_languages[0];
    }
    return all_languages[0];
}

const Language& current_language() noexcept {
    return *chosen.load();
}

void set_language(const Language& language) noexcept {
    chosen.store(&language);
}

const std::map<std::string, std::string>& message_catalog(const Language& language) {
    static std::mutex mutex;
    static std::map<std::string_view, std::unique_ptr<std::map<std::string, std::string>>> cache;
    const std::lock_guard lock(mutex);
    auto& slot = cache[language.code];
    if (!slot) slot = std::make_unique<std::map<std::string, std::string>>(load_catalog(language));
    return *slot;
}

std::string_view message(std::string_view id) {
    for (const Language* l : {&current_language(), &all_languages[0]}) {
        const auto& catalog = message_catalog(*l);
        if (auto it = catalog.find(std::string(id)); it != catalog.end()) return it->second;
    }
    return id;
}

}  // namespace asynclab::lessons

#pragma once
// The language every word is shown in, and the catalog of the CLI's own words.
//
// Words live in lesson_data/: lesson NN's structure (knobs, demos, quiz answers) and its English
// words in NN-slug.toml, the same lesson's words in another language in LANG/NN-slug.toml, the
// CLI's messages in LANG/messages.toml (English: en/messages.toml). Adding a language is a
// folder of those files and one line in `languages()` (language.cpp).

#include <fmt/format.h>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace asynclab::lessons {

struct Language {
    std::string_view code;  ///< As `--lang` takes it and lesson_data/ names its folder.
    std::string_view name;  ///< In its own words.
};

/// Every language, English first (the one whose words are in the lesson files themselves).
[[nodiscard]] std::span<const Language> languages() noexcept;
/// The language whose code is `code`, or none.
[[nodiscard]] const Language* find_language(std::string_view code) noexcept;
/// "en, zh": what `--lang` takes, for its error line.
[[nodiscard]] std::string language_codes();

/// The language a locale name or ASYNCLAB_LANG value means: "zh_CN.UTF-8" and "zh" are zh.
/// None when it names no language we have ("C", "POSIX", "fr_FR").
[[nodiscard]] const Language* language_of_locale(std::string_view locale) noexcept;

/// From the environment: ASYNCLAB_LANG, else the first set of LC_ALL, LC_MESSAGES, LANG, else
/// English.
[[nodiscard]] const Language& language_from_environment() noexcept;

/// The language shown now (English until set).
[[nodiscard]] const Language& current_language() noexcept;
void set_language(const Language& language) noexcept;

/// A message's words in the current language (English when it has none); the id itself when
/// no catalog has it, so a missing message shows where it is missing. Throws TextError when a
/// catalog is malformed.
[[nodiscard]] std::string_view message(std::string_view id);

/// The message `id` with its `{name}` placeholders filled (fmt named arguments:
/// say("list.next", fmt::arg("n", 3))).
template <class... Args>
[[nodiscard]] std::string say(std::string_view id, Args&&... args) {
    return fmt::format(fmt::runtime(message(id)), std::forward<Args>(args)...);
}

/// Every message of one language's catalog, by id (for the completeness test).
[[nodiscard]] const std::map<std::string, std::string>& message_catalog(const Language& language);

}  // namespace asynclab::lessons

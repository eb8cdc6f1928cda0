#pragma once
// A lesson's words, from lesson_data/NN-slug.toml: its title and introduction, each demo's
// explanation and takeaway, its knobs, and its quiz questions. The format is described in
// lesson_data/README.md. A malformed file is reported as "file:line:column: what is wrong".

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "asynclab/lessons/knobs.hpp"

namespace asynclab::lessons {

class TextError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct DemoText {
    std::string id;
    std::string title;
    std::string explain;   ///< Shown before the demo runs.
    std::string takeaway;  ///< Shown after its summary.
    /// One line repeated just above the timeline, so what to look for is on screen with it.
    /// Optional (empty: none); takes the explanation's placeholders.
    std::string watch;
};

/// How a predict question draws one knob's value from the quiz's seeded generator.
struct KnobDraw {
    enum class Kind { Integers, Grid, Choices } kind = Kind::Integers;
    double lo = 0;
    double hi = 0;
    double step = 0;                   ///< Grid: lo, lo + step, ... up to hi.
    std::vector<std::string> choices;  ///< Choices: knob texts, one picked.
};

/// A question whose right answer the engine computes by running a demo with drawn knob values.
struct Predict {
    std::string demo;  ///< Demo id.
    /// A metric of that demo, or "duration_s"; "handled_by.w0" and "attempts.3" reach into a
    /// record or a list. A number is answered with a number, a list as a sequence ("C, A, B"),
    /// a text or yes/no as typed; with choices, the choice that reads as the value is right.
    std::string metric;
    std::string unit;  ///< Shown after the answer prompt: "s", "items".
    double tolerance = 0;
    std::map<std::string, KnobDraw> knobs;
};

struct Question {
    std::string prompt;                ///< May name drawn knobs as {workers}.
    std::vector<std::string> choices;  ///< Empty for a predict question answered as typed.
    std::vector<int> answer;  ///< Indices of the right choices; for a predict question, none.
    std::optional<Predict> predict;
    std::string explain;
    int line = 0;  ///< Where it starts in its file.
};

struct LessonText {
    std::string file;
    int number = 0;
    std::string slug;
    std::string title;
    std::string summary;  ///< One line, for `list`.
    std::string intro;
    std::vector<DemoText> demos;
    KnobTable knobs;
    std::vector<Question> questions;

    [[nodiscard]] const DemoText* demo(std::string_view id) const;
};

/// Parses one lesson_data file; throws TextError naming the file and line.
LessonText parse_lesson_text(std::string_view file, std::string_view toml);

/// A lesson's words in another language (lesson_data/LANG/NN-slug.toml): only words, so the
/// lesson's structure (knobs, demos, answers) stays in one file and cannot diverge. A word the
/// file leaves out is shown in English; lessons_tests fails on any.
struct LessonWords {
    struct Demo {
        std::optional<std::string> title, explain, takeaway, watch;
    };
    struct Question {
        std::optional<std::string> prompt, explain;
        std::optional<std::vector<std::string>> choices;
    };
    std::string file;
    std::optional<std::string> title, summary, intro;
    std::map<std::string, Demo> demos;                        ///< By demo id.
    std::map<std::string, std::string> knob_help;             ///< By knob name.
    std::vector<std::optional<std::string>> knob_limit_what;  ///< In the lesson file's order.
    std::vector<Question> questions;                          ///< In the lesson file's order.
};

/// Parses a words file against the lesson it translates: a demo, knob, question or choice the
/// lesson does not have, or a key that is structure (answer, predict, min...), is refused with
/// "file:line:column: ...". Throws TextError.
LessonWords parse_lesson_words(std::string_view file, std::string_view toml,
                               const LessonText& lesson);

/// `lesson` with the words of `words` in place of its English ones.
LessonText with_words(LessonText lesson, const LessonWords& words);

/// Lesson `number`'s text in the current language (asynclab/lessons/language.hpp): from
/// $ASYNCLAB_LESSON_DATA when set (authors editing text without a rebuild), else the copy built
/// into the binary. Loaded once per language. Throws TextError.
const LessonText& lesson_text(int number);

/// The same in `language` ("en", "zh").
const LessonText& lesson_text(int number, std::string_view language);

/// Lesson `number`'s words file in `language`, or none (English, or a language without it).
std::optional<LessonWords> lesson_words(int number, std::string_view language);

}  // namespace asynclab::lessons

// asynclab: learn async concurrency by running it. Parses the command line and hands over to a
// command; every error a learner can cause ends as one line on stderr and exit code 2.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>
#include <system_error>

#include "asynclab/lessons/knobs.hpp"
#include "asynclab/lessons/language.hpp"
#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "completions.hpp"
#include "quiz/quiz.hpp"
#include "run/interrupt.hpp"
#include "std_streams.hpp"
#include "terminal/echo.hpp"
#include "words.hpp"

namespace {

using namespace asynclab;
using namespace asynclab::cli;

constexpr const char* version = "asynclab " ASYNCLAB_VERSION;  // project(VERSION), from CMake

// --speed: the slowest keeps every timer of a lesson (an hour at most) exact in nanoseconds
// (1 h / 0.001 < 2^53 ns); run_command also refuses a speed that would make the run last more
// than an hour.
constexpr double min_speed = 0.001;
constexpr double max_speed = 1000;

/// Declares every knob of every lesson on `run`; which ones apply is checked against lesson N.
void add_knob_options(CLI::App& run, RunArgs& args) {
    std::map<std::string, std::string> help;  // knob name -> "lesson 3: ...; lesson 4: ..."
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        for (const auto& k : l->knobs().specs) {
            auto& h = help[k.name];
            h += say("main.knob_help", fmt::arg("sep", h.empty() ? "" : "; "),
                     fmt::arg("n", l->number), fmt::arg("help", k.help),
                     fmt::arg("range", knob_range(k)), fmt::arg("default", k.default_text));
        }
    }
    std::string limits;  // knobs bound together, lesson by lesson
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        for (const auto& limit : l->knobs().limits) {
            limits += say("main.knob_limit", fmt::arg("n", l->number),
                          fmt::arg("formula", lessons::limit_formula(limit)),
                          fmt::arg("max", limit.max / limit.scale), fmt::arg("figure", limit.max),
                          fmt::arg("what", limit.what));
        }
    }
    if (!limits.empty()) run.footer(tr("main.knob_limits") + limits);
    for (const auto& [name, text] : help) {
        run.add_option_function<std::string>(
               "--" + name, [&args, name = name](const std::string& v) { args.knobs[name] = v; },
               text)
            ->group(tr("main.knob_group"))
            ->type_name("VALUE");
    }
}

/// CLI11's help headings ("OPTIONS", "Usage") in the learner's language.
void translate_help_labels(CLI::App& app) {
    auto& f = *app.get_formatter();
    for (const char* label : {"Usage", "OPTIONS", "SUBCOMMAND", "SUBCOMMANDS", "Positionals",
                              "REQUIRED", "Needs", "Excludes", "Env"})
        f.label(label, tr(fmt::format("main.label.{}", label)));
    // Subcommands copy these defaults, so their options and help flags are grouped alike.
    app.option_defaults()->group(tr("main.label.Options"));
    app.get_help_ptr()->group(tr("main.label.Options"));
    app.get_help_ptr()->description(tr("main.help.help"));
}

/// CLI11's own conversion error ("Could not convert: N = abc") says nothing of what is valid;
/// these checks run first and do.
CLI::Validator lesson_number() {
    return CLI::Validator(
        [](const std::string& v) {
            int n = 0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec == std::errc{} && end == v.data() + v.size()) return std::string();
            return say("main.not_lesson_number", fmt::arg("value", shown(v)),
                       fmt::arg("last", lessons::all_lessons().size()));
        },
        "N");
}

/// --clock's names, bound to ClockMode: the one place they are spelled. CheckedTransformer turns
/// a name into the enum; alone it would also take the enum's numbers, and say less on a bad one.
CLI::Validator clock_name() {
    static const std::map<std::string, ClockMode> names{{"real", ClockMode::Real},
                                                        {"virtual", ClockMode::Virtual}};
    return CLI::Validator(
        [to_enum = CLI::Validator(CLI::CheckedTransformer(names))](std::string& v) mutable {
            if (!names.contains(v)) return say("main.bad_clock", fmt::arg("value", v));
            return to_enum(v);
        },
        "{real,virtual}");
}

/// --code's listings: the lesson's asyncio twin (what a learner will write) or the engine's C++.
/// No value (`show 3 --code`) is python.
CLI::Validator code_listing() {
    return CLI::Validator(
        [](const std::string& v) {
            if (v.empty() || v == "python" || v == "cpp") return std::string();
            return say("main.bad_listing", fmt::arg("value", shown(v)));
        },
        "{python,cpp}");
}

CLI::Validator seed_value() {
    return CLI::Validator(
        [](const std::string& v) {
            std::uint64_t seed = 0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seed);
            if (ec == std::errc{} && end == v.data() + v.size()) return std::string();
            return say("main.bad_seed", fmt::arg("value", shown(v)),
                       fmt::arg("max", std::numeric_limits<std::uint64_t>::max()));
        },
        "S");
}

std::string one_line(std::string s) {
    for (char& c : s) {
        if (c == '\n') c = ' ';
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

/// A parse error CLI11 worded, in the learner's language: the kinds a learner meets name what
/// was wrong; any other keeps CLI11's words.
std::string parse_error_text(const CLI::ParseError& e) {
    const std::string what = one_line(e.what());
    const std::size_t colon = what.find(": ");
    const std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr)
        return say("main.unexpected", fmt::arg("args", detail));
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && what.ends_with(" is required"))
        return say("main.required", fmt::arg("name", what.substr(0, what.size() - 12)));
    return what;
}

/// Every error line goes out here: whatever of the learner's input it quotes is made harmless.
int fail(const std::string& message, int code) {
    std::fprintf(stderr, "asynclab: %s\n", safe_message(message).c_str());
    return code;
}

int usage_error(const std::string& message, const std::string& hint) {
    return fail(message + hint, exit_usage);
}

}  // namespace

namespace {

/// "--delays needs a value": CLI11 takes the word after an option as its value even when it is
/// the next option ("run 1 --delays --clock virtual" then complains of a stray "virtual").
std::optional<std::string> option_without_value(const CLI::App& app, int argc, char** argv) {
    const CLI::App* command = nullptr;  // the first word that names one
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (command == nullptr) {
            for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
                if (sub->check_name(word)) command = sub;
            continue;
        }
        const bool next_is_option =
            i + 1 == argc || std::string_view(argv[i + 1]).starts_with("--");
        if (!word.starts_with("--") || word.find('=') != std::string::npos || !next_is_option)
            continue;
        const CLI::Option* option = command->get_option_no_throw(word);
        if (option == nullptr || option->get_items_expected_min() == 0) continue;
        return say(i + 1 == argc ? "main.needs_value" : "main.needs_value_before",
                   fmt::arg("option", shown(word)),
                   fmt::arg("next", i + 1 == argc ? "" : shown(argv[i + 1])),
                   fmt::arg("command", command->get_name()));
    }
    return std::nullopt;
}

/// For `trace`: how many words of argv CLI11 parses (up to PROG), the rest put in `program_args`.
int split_program_args(const CLI::App& trace, int argc, char** argv,
                       std::vector<std::string>& program_args) {
    int i = 1;
    // Global options may come before the command; --lang takes a value.
    while (i < argc && std::string_view(argv[i]).starts_with("-"))
        i += std::string_view(argv[i]) == "--lang" ? 2 : 1;
    if (i >= argc || std::string_view(argv[i]) != trace.get_name()) return argc;
    for (++i; i < argc; ++i) {
        const std::string_view word = argv[i];
        if (word == "--") return i;  // CLI11 takes what follows as positionals
        if (!word.starts_with("-")) break;
        const CLI::Option* option = trace.get_option_no_throw(std::string(word));
        if (option != nullptr && option->get_items_expected_min() > 0 &&
            word.find('=') == std::string_view::npos)
            ++i;  // its value
    }
    if (i >= argc) return argc;
    for (int j = i + 1; j < argc; ++j) program_args.emplace_back(argv[j]);
    return i + 1;
}

/// The language of every word, chosen before the first help text is written: `--lang X` (or
/// `--lang=X`) anywhere on the line, else the environment. An unknown one is a usage error.
std::optional<std::string> choose_language(int argc, char** argv) {
    const lessons::Language* chosen = &lessons::language_from_environment();
    bool tracing = false;  // `trace PROG args...`: the words after PROG are the program's
    for (int i = 1; i < argc; ++i) {
        const std::string_view word = argv[i];
        if (tracing && !word.starts_with("-")) break;
        tracing = tracing || word == "trace";
        std::optional<std::string_view> value;
        if (word == "--lang" && i + 1 < argc) value = argv[++i];
        if (word.starts_with("--lang=")) value = word.substr(7);
        if (!value) continue;
        chosen = lessons::find_language(*value);
        if (chosen == nullptr) {
            lessons::set_language(lessons::language_from_environment());
            return lessons::say("main.bad_lang", fmt::arg("value", shown(std::string(*value))),
                                fmt::arg("valid", lessons::language_codes()));
        }
    }
    lessons::set_language(*chosen);
    return std::nullopt;
}

int run_program(int argc, char** argv) {
    if (const std::optional<std::string> bad = choose_language(argc, argv))
        return usage_error(*bad, "");
    CLI::App app{tr("main.help.app"), "asynclab"};
    translate_help_labels(app);
    app.set_version_flag("--version", version, tr("main.help.version"));
    // No command: the lesson list and the next step, the first thing a new learner needs.
    app.require_subcommand(0, 1);
    bool no_color = false;
    bool json = false;
    app.add_flag("--no-color", no_color, tr("main.help.no_color_env"));
    std::string lang_option;  // read by choose_language(); declared so that CLI11 accepts it
    app.add_option("--lang", lang_option,
                   lessons::say("main.help.lang", fmt::arg("valid", lessons::language_codes())))
        ->type_name("LANG");

    CLI::App* list = app.add_subcommand("list", tr("main.help.list"));
    list->add_flag("--json", json, tr("main.help.json"));

    RunArgs run_args;
    CLI::App* run = app.add_subcommand("run", tr("main.help.run"));
    run->add_option("N", run_args.lesson, tr("main.help.lesson_number"))
        ->required()
        ->check(lesson_number());
    run->add_option("--clock", run_args.clock, tr("main.help.clock"))
        ->transform(clock_name())
        ->type_name("CLOCK")
        ->default_str("real");
    run->add_option("--speed", run_args.speed,
                    say("main.help.speed", fmt::arg("min", min_speed), fmt::arg("max", max_speed)))
        ->check(CLI::Validator(
            [](const std::string& v) {
                double d = 0;
                return CLI::detail::lexical_cast(v, d) && d >= min_speed && d <= max_speed
                           ? std::string()
                           : say("main.bad_speed", fmt::arg("min", min_speed),
                                 fmt::arg("max", max_speed));
            },
            "X"))
        ->default_str("1");
    run->add_option("--seed", run_args.seed, tr("main.help.seed"))
        ->check(seed_value())
        ->default_str("42");
    run->add_option("--demo", run_args.demos, tr("main.help.demo"))->type_name("ID");
    run->add_flag("--json", run_args.json, tr("main.help.run_json"));
    run->add_flag("--no-pause", run_args.no_pause, tr("main.help.no_pause"));
    run->add_option("--trace", run_args.trace_file, tr("main.help.trace"))->type_name("FILE");
    run->add_flag("--no-color", no_color, tr("main.help.no_color"));
    try {
        add_knob_options(*run, run_args);
    } catch (const lessons::TextError& e) {
        std::fprintf(stderr, "asynclab: %s\n",
                     say("main.data_broken", fmt::arg("what", e.what())).c_str());
        return exit_failed;
    }
    run->footer(tr("main.help.run_footer") + "\n\n" + run->get_footer());

    int show_lesson = 0;
    std::string show_code;
    CLI::App* show = app.add_subcommand("show", tr("main.help.show"));
    show->add_option("N", show_lesson, tr("main.help.lesson_number"))
        ->required()
        ->check(lesson_number());
    CLI::Option* code_option = show->add_option("--code", show_code, tr("main.help.code"))
                                   ->expected(0, 1)
                                   ->check(code_listing());
    show->add_flag("--json", json, tr("main.help.json"));
    show->add_flag("--no-color", no_color, tr("main.help.no_color"));

    QuizArgs quiz_args;
    CLI::App* quiz = app.add_subcommand("quiz", tr("main.help.quiz"));
    quiz->footer(say("main.help.quiz_footer", fmt::arg("pass", pass_percent)));
    quiz->add_option_function<int>(
            "N", [&quiz_args](int v) { quiz_args.lesson = v; }, tr("main.help.quiz_lesson"))
        ->check(lesson_number());
    quiz->add_option_function<std::string>(
            "--answers", [&quiz_args](const std::string& v) { quiz_args.answers = v; },
            tr("main.help.answers"))
        ->type_name("LIST");
    quiz->add_option_function<std::uint64_t>(
            "--seed", [&quiz_args](std::uint64_t v) { quiz_args.seed = v; },
            tr("main.help.quiz_seed"))
        ->check(seed_value())
        ->type_name("S");
    quiz->add_flag("--json", quiz_args.json, tr("main.help.quiz_json"));
    quiz->add_flag("--no-color", no_color, tr("main.help.no_color"));

    ProgressArgs progress_args;
    CLI::App* progress = app.add_subcommand("progress", tr("main.help.progress"));
    progress->footer(tr("main.help.progress_footer"));
    CLI::Option* reset = progress->add_flag("--reset", progress_args.reset, tr("main.help.reset"));
    progress->add_flag("--yes,-y", progress_args.yes, tr("main.help.yes"))->needs(reset);
    progress->add_flag("--json", progress_args.json, tr("main.help.json"));
    progress->add_flag("--no-color", no_color, tr("main.help.no_color"));
    std::string view_file;
    CLI::App* view = app.add_subcommand("view", tr("main.help.view"));
    view->add_option("FILE", view_file, tr("main.help.view_file"))->required()->type_name("FILE|-");
    view->add_flag("--no-color", no_color, tr("main.help.no_color"));

    TraceArgs trace_args;
    CLI::App* trace = app.add_subcommand("trace", tr("main.help.trace_cmd"));
    trace->add_option("PROG", trace_args.program, tr("main.help.trace_prog"))
        ->required()
        ->type_name("PROG.py");
    trace->add_option("--clock", trace_args.clock, tr("main.help.trace_clock"))
        ->transform(clock_name())
        ->type_name("CLOCK")
        ->default_str("real");
    trace->add_flag("--json", trace_args.json, tr("main.help.trace_json"));
    trace->add_option("--trace", trace_args.trace_file, tr("main.help.trace"))->type_name("FILE");
    trace->add_option("--timeout", trace_args.timeout_s, tr("main.help.trace_timeout"))
        ->check(CLI::Range(0.1, 86400.0))
        ->type_name("S")
        ->default_str("60");
    trace->add_option("--memory", trace_args.memory_mb, tr("main.help.trace_memory"))
        ->check(CLI::Range(64, 1 << 20))
        ->type_name("MB")
        ->default_str("2048");
    trace->add_flag("--no-color", no_color, tr("main.help.no_color"));
    trace->footer(tr("main.help.trace_footer"));
    ExerciseArgs exercise_args;
    CLI::App* exercise = app.add_subcommand("exercise", tr("main.help.exercise"));
    exercise->add_flag("--json", exercise_args.json, tr("main.help.json"));
    exercise->add_flag("--no-color", no_color, tr("main.help.no_color"));
    std::string start_name;
    CLI::App* start = exercise->add_subcommand("start", tr("main.help.exercise_start"));
    start->add_option("NAME", start_name, tr("main.help.exercise_name"))->required();
    start->add_option("--dir", exercise_args.dir, tr("main.help.exercise_dir"))
        ->type_name("DIR")
        ->default_str(".");

    CheckArgs check_args;
    CLI::App* check = app.add_subcommand("check", tr("main.help.check"));
    check->add_option("NAME", check_args.exercise, tr("main.help.exercise_name"))->required();
    check->add_option("FILE", check_args.file, tr("main.help.check_file"))->type_name("FILE");
    check->add_flag("--json", check_args.json, tr("main.help.json"));
    check->add_option("--timeout", check_args.timeout_s, tr("main.help.check_timeout"))
        ->check(CLI::Range(0.1, 3600.0))
        ->type_name("S")
        ->default_str("20");
    check->add_flag("--no-color", no_color, tr("main.help.no_color"));

    std::string hint_name;
    bool hint_json = false;
    CLI::App* hint = app.add_subcommand("hint", tr("main.help.hint"));
    hint->add_option("NAME", hint_name, tr("main.help.exercise_name"))->required();
    hint->add_flag("--json", hint_json, tr("main.help.json"));
    hint->add_flag("--no-color", no_color, tr("main.help.no_color"));

    for (CLI::App* sub :
         {list, run, show, quiz, progress, view, trace, exercise, start, check, hint}) {
        sub->fallthrough();
        sub->group(tr("main.label.Subcommands"));
        sub->get_help_ptr()->description(tr("main.help.help"))->group(tr("main.label.Options"));
    }

    // Hidden (no group): the build writes the installed completion scripts with it.
    std::string completions_shell;
    CLI::App* completions = app.add_subcommand("completions", "print a shell completion script");
    completions->group("");
    completions->add_option("SHELL", completions_shell, "bash or zsh")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh"}));

    // Help and version go to std::cout, which flushes (and fails) at once: keep the reason.
    const auto print = [&app](const CLI::Error& e) {
        errno = 0;
        const int code = app.exit(e);
        if (std::ferror(stdout)) output_failed(errno);
        return code;
    };
    // Everything after PROG is the program's own (`trace prog.py --n 5` passes --n 5 on): CLI11
    // is shown only the words up to PROG.
    argc = split_program_args(*trace, argc, argv, trace_args.args);
    if (const std::optional<std::string> missing = option_without_value(app, argc, argv))
        return usage_error(*missing, "");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return print(e);
    } catch (const CLI::CallForAllHelp& e) {
        return print(e);
    } catch (const CLI::CallForVersion& e) {
        return print(e);
    } catch (const CLI::ParseError& e) {
        const auto parsed = app.get_subcommands();
        if (parsed.empty()) {
            const std::string first = argc > 1 ? argv[1] : "";
            if (!first.empty() && first[0] != '-') {
                return usage_error(say("main.unknown_command", fmt::arg("command", shown(first))),
                                   "");
            }
            return usage_error(parse_error_text(e), tr("main.see_help"));
        }
        return usage_error(
            parse_error_text(e),
            say("main.see_command_help", fmt::arg("command", parsed.front()->get_name())));
    }

    // Only `run` reports an interruption; the others end by the signal, as a program does.
    if (!*run && !*trace && !*check) release_stop_signals();
    try {
        const Terminal term = Terminal::detect(1, no_color);
        if (*list || app.get_subcommands().empty()) return list_command(term, json);
        if (*run) return run_command(run_args, term);
        if (*show) {
            const Listing listing = code_option->count() == 0 ? Listing::None
                                    : show_code == "cpp"      ? Listing::Cpp
                                                              : Listing::Python;
            return show_command(show_lesson, listing, json, term);
        }
        if (*quiz) return quiz_command(quiz_args, term);
        if (*progress) return progress_command(progress_args, term);
        if (*completions) return completions_command(app, completions_shell);
        if (*view) return view_command(view_file, term);
        if (*trace) return trace_command(trace_args, term);
        if (*exercise) {
            if (*start) exercise_args.start = start_name;
            return exercise_command(exercise_args, term);
        }
        if (*check) return check_command(check_args, term);
        if (*hint) return hint_command(hint_name, hint_json, term);
    } catch (const UsageError& e) {
        return usage_error(e.what(), "");
    } catch (const lessons::TextError& e) {
        // Escaped, but not cut word by word: the file:line at the end of a long path matters.
        std::fprintf(
            stderr, "asynclab: %s\n",
            say("main.data_broken", fmt::arg("what", shown(e.what(), 10 * echo_limit))).c_str());
        return exit_failed;
    } catch (const std::system_error& e) {
        if (!std::ferror(stdout)) return fail(e.what(), exit_failed);
        output_failed(e.code().value());  // said once, by check_output_written()
        return exit_failed;
    } catch (const std::exception& e) {
        return fail(e.what(), exit_failed);
    }
    return exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
    // First of all: a Ctrl-C from here on ends `run` with its report, never by the signal.
    catch_stop_signals();
    if (!open_standard_streams()) return exit_failed;
    return check_output_written(run_program(argc, argv));
}

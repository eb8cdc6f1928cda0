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
#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "completions.hpp"
#include "quiz/quiz.hpp"
#include "run/interrupt.hpp"
#include "std_streams.hpp"
#include "terminal/echo.hpp"

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
            h += fmt::format("{}lesson {}: {}, {} (default {})", h.empty() ? "" : "; ", l->number,
                             k.help, knob_range(k), k.default_text);
        }
    }
    std::string limits;  // knobs bound together, lesson by lesson
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        for (const auto& limit : l->knobs().limits) {
            limits += fmt::format("\n  lesson {}: {} at most {:g} ({:g} {})", l->number,
                                  lessons::limit_formula(limit), limit.max / limit.scale, limit.max,
                                  limit.what);
        }
    }
    if (!limits.empty()) run.footer("Knobs bound together (each in its range, and also):" + limits);
    for (const auto& [name, text] : help) {
        run.add_option_function<std::string>(
               "--" + name, [&args, name = name](const std::string& v) { args.knobs[name] = v; },
               text)
            ->group("Lesson knobs (each lesson takes its own; see `asynclab show N`)")
            ->type_name("VALUE");
    }
}

/// CLI11's own conversion error ("Could not convert: N = abc") says nothing of what is valid;
/// these checks run first and do.
CLI::Validator lesson_number() {
    return CLI::Validator(
        [](const std::string& v) {
            int n = 0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec == std::errc{} && end == v.data() + v.size()) return std::string();
            return fmt::format("'{}' is not a lesson number; lessons are 1 to {}", shown(v),
                               lessons::all_lessons().size());
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
            if (!names.contains(v))
                return fmt::format("'{}' is not valid; expected real or virtual", v);
            return to_enum(v);
        },
        "{real,virtual}");
}

CLI::Validator seed_value() {
    return CLI::Validator(
        [](const std::string& v) {
            std::uint64_t seed = 0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seed);
            if (ec == std::errc{} && end == v.data() + v.size()) return std::string();
            return fmt::format("'{}' is not valid; expected a whole number from 0 to {}", shown(v),
                               std::numeric_limits<std::uint64_t>::max());
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
        return fmt::format("{} needs a value{} (see `asynclab {} --help`)", shown(word),
                           i + 1 == argc ? "" : fmt::format(", before {}", shown(argv[i + 1])),
                           command->get_name());
    }
    return std::nullopt;
}

int run_program(int argc, char** argv) {
    CLI::App app{
        "asynclab — learn async concurrency (the ideas behind Python's asyncio) by running it.\n"
        "Numbered lessons run on a real coroutine engine and draw a timeline of every task.",
        "asynclab"};
    app.set_version_flag("--version", version);
    // No command: the lesson list and the next step, the first thing a new learner needs.
    app.require_subcommand(0, 1);
    bool no_color = false;
    bool json = false;
    app.add_flag("--no-color", no_color,
                 "never use colour (also: the NO_COLOR environment variable)");

    CLI::App* list = app.add_subcommand("list", "the lessons, one line each");
    list->add_flag("--json", json, "print JSON");

    RunArgs run_args;
    CLI::App* run =
        app.add_subcommand("run", "run lesson N: explanation, live output, timeline, figures");
    run->add_option("N", run_args.lesson, "lesson number")->required()->check(lesson_number());
    run->add_option("--clock", run_args.clock,
                    "real: played in real time; virtual: at once; the same story either way")
        ->transform(clock_name())
        ->type_name("CLOCK")
        ->default_str("real");
    run->add_option("--speed", run_args.speed,
                    fmt::format("real clock: play every duration X times faster, X from {:g} to "
                                "{:g} and such that the run takes at most an hour; every speed "
                                "tells the virtual clock's story",
                                min_speed, max_speed))
        ->check(CLI::Validator(
            [](const std::string& v) {
                double d = 0;
                return CLI::detail::lexical_cast(v, d) && d >= min_speed && d <= max_speed
                           ? std::string()
                           : fmt::format("must be a number from {:g} to {:g}", min_speed,
                                         max_speed);
            },
            "X"))
        ->default_str("1");
    run->add_option("--seed", run_args.seed, "seed for every random choice (same seed, same run)")
        ->check(seed_value())
        ->default_str("42");
    run->add_option("--demo", run_args.demos, "run only this demo (repeatable)")->type_name("ID");
    run->add_flag("--json", run_args.json, "print one JSON document instead of prose");
    run->add_flag("--no-pause", run_args.no_pause,
                  "do not wait for Enter between demos (only a terminal ever waits)");
    run->add_option("--trace", run_args.trace_file, "also write a Chrome trace (open in Perfetto)")
        ->type_name("FILE");
    run->add_flag("--no-color", no_color, "never use colour");
    try {
        add_knob_options(*run, run_args);
    } catch (const lessons::TextError& e) {
        std::fprintf(stderr, "asynclab: lesson data is broken: %s\n", e.what());
        return exit_failed;
    }
    run->footer(
        "On a terminal, run waits after each demo but the last: Enter shows the next demo,\n"
        "q stops there (exit 0, and the run counts, as one with --demo does); Ctrl-C there,\n"
        "as anywhere in a run, stops it with exit 130.\n\n" +
        run->get_footer());

    int show_lesson = 0;
    bool show_code = false;
    CLI::App* show =
        app.add_subcommand("show", "read lesson N, or with --code the C++ that `run N` executes");
    show->add_option("N", show_lesson, "lesson number")->required()->check(lesson_number());
    show->add_flag("--code", show_code, "print the lesson's C++ source");
    show->add_flag("--json", json, "print JSON");
    show->add_flag("--no-color", no_color, "never use colour");

    QuizArgs quiz_args;
    CLI::App* quiz = app.add_subcommand(
        "quiz", "test yourself on lesson N, or on the first lesson not passed yet");
    quiz->footer(
        "On a terminal the quiz asks one question at a time and says at once whether you were "
        "right, and why.\n"
        "Piped in, answers are read one per line. Either way: a letter (\"b\"), several letters "
        "(\"a,c\", \"ac\"),\n"
        "or for a predict question a number with an optional unit (\"0.3\", \"0.3 s\", \"300 "
        "ms\").\n"
        "Pass mark: " +
        std::to_string(pass_percent) +
        "% of the questions right; exit 0 when passed, 1 when not.\n"
        "Progress is recorded only when every question is answered.");
    quiz->add_option_function<int>(
            "N", [&quiz_args](int v) { quiz_args.lesson = v; },
            "lesson number (default: the first not passed yet)")
        ->check(lesson_number());
    quiz->add_option_function<std::string>(
            "--answers", [&quiz_args](const std::string& v) { quiz_args.answers = v; },
            "answer every question at once, in order, comma-separated: a letter, several letters "
            "joined by + "
            "(a+c), or a number (0.3, 0.3s, 300ms). Example: --answers b,0.3,a+c")
        ->type_name("LIST");
    quiz->add_option_function<std::uint64_t>(
            "--seed", [&quiz_args](std::uint64_t v) { quiz_args.seed = v; },
            "draw the predict questions' values from this seed (default: a new one each attempt)")
        ->check(seed_value())
        ->type_name("S");
    quiz->add_flag("--json", quiz_args.json,
                   "print the questions, given and right answers and the score as JSON "
                   "(needs --answers or piped answers)");
    quiz->add_flag("--no-color", no_color, "never use colour");

    ProgressArgs progress_args;
    CLI::App* progress = app.add_subcommand(
        "progress", "what you have done: runs, quiz attempts, best scores, lessons passed");
    progress->footer(
        "Kept in $ASYNCLAB_HOME, else $XDG_STATE_HOME/asynclab, else ~/.local/state/asynclab.");
    CLI::Option* reset =
        progress->add_flag("--reset", progress_args.reset, "erase all progress (asks first)");
    progress->add_flag("--yes,-y", progress_args.yes, "with --reset: erase without asking")
        ->needs(reset);
    progress->add_flag("--json", progress_args.json, "print JSON");
    progress->add_flag("--no-color", no_color, "never use colour");
    std::string view_file;
    CLI::App* view = app.add_subcommand(
        "view", "redraw a run saved with `asynclab run N --json`: live lines, timelines, figures");
    view->add_option("FILE", view_file, "the saved document; - reads standard input")
        ->required()
        ->type_name("FILE|-");
    view->add_flag("--no-color", no_color, "never use colour");
    for (CLI::App* sub : {list, run, show, quiz, progress, view}) sub->fallthrough();

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
                return usage_error(
                    fmt::format(
                        "unknown command '{}'; commands are list, run, show, quiz, progress, view",
                        shown(first)),
                    "");
            }
            return usage_error(one_line(e.what()), " (see `asynclab --help`)");
        }
        return usage_error(one_line(e.what()),
                           fmt::format(" (see `asynclab {} --help`)", parsed.front()->get_name()));
    }

    // Only `run` reports an interruption; the others end by the signal, as a program does.
    if (!*run) release_stop_signals();
    try {
        const Terminal term = Terminal::detect(1, no_color);
        if (*list || app.get_subcommands().empty()) return list_command(term, json);
        if (*run) return run_command(run_args, term);
        if (*show) return show_command(show_lesson, show_code, json, term);
        if (*quiz) return quiz_command(quiz_args, term);
        if (*progress) return progress_command(progress_args, term);
        if (*completions) return completions_command(app, completions_shell);
        if (*view) return view_command(view_file, term);
    } catch (const UsageError& e) {
        return usage_error(e.what(), "");
    } catch (const lessons::TextError& e) {
        // Escaped, but not cut word by word: the file:line at the end of a long path matters.
        std::fprintf(stderr, "asynclab: lesson data is broken: %s\n",
                     shown(e.what(), 10 * echo_limit).c_str());
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

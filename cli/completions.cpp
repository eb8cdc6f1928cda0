#include "completions.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <set>
#include <vector>

#include "asynclab/lessons/lesson.hpp"
#include "commands.hpp"

namespace asynclab::cli {
namespace {

enum class ValueKind {
    None,     ///< A flag.
    Free,     ///< A value the learner picks (--seed 7): nothing to offer.
    Choices,  ///< One of a fixed set (CLI::IsMember): offered.
    File,     ///< A path.
    Demo,     ///< A demo id of the lesson named on the line.
};

struct OptionSpec {
    std::vector<std::string> names;  ///< "--yes", "-y"
    ValueKind value = ValueKind::None;
    std::vector<std::string> choices;
    std::string help;
};

struct CommandSpec {
    std::string name;
    std::string help;
    bool takes_lesson = false;  ///< Its positional is a lesson number (named N, as in the help).
    bool takes_knobs = false;   ///< It declares the lessons' knobs (only lesson N's are offered).
    std::vector<OptionSpec> options;
};

/// Everything a script offers, read once from the CLI11 definition and the lessons registry.
struct Tables {
    std::vector<OptionSpec> global;
    std::vector<CommandSpec> commands;
    std::set<std::string> knob_options;  ///< "--workers": every lesson's, offered per lesson.
};

std::string one_line(std::string s) {
    for (char& c : s) {
        if (c == '\n' || c == '\t') c = ' ';
    }
    return s;
}

/// CLI11 writes an IsMember check into the type name: "TEXT:{real,virtual}".
std::vector<std::string> choices_of(const std::string& type_name) {
    const auto open = type_name.find('{');
    const auto close = type_name.rfind('}');
    if (open == std::string::npos || close == std::string::npos || close < open) return {};
    std::vector<std::string> out;
    std::string item;
    for (char c : type_name.substr(open + 1, close - open - 1)) {
        if (c == ',') {
            out.push_back(item);
            item.clear();
        } else {
            item += c;
        }
    }
    out.push_back(item);
    return out;
}

OptionSpec option_spec(const CLI::Option& opt) {
    OptionSpec spec;
    for (const auto& n : opt.get_lnames()) spec.names.push_back("--" + n);
    for (const auto& n : opt.get_snames()) spec.names.push_back("-" + n);
    spec.help = one_line(opt.get_description());
    if (opt.get_expected_max() == 0) return spec;  // a flag
    const std::string type = opt.get_type_name();
    spec.choices = choices_of(type);
    if (!spec.choices.empty()) {
        spec.value = ValueKind::Choices;
    } else if (type.starts_with("FILE")) {
        spec.value = ValueKind::File;
    } else if (opt.check_lname("demo")) {
        spec.value = ValueKind::Demo;
    } else {
        spec.value = ValueKind::Free;
    }
    return spec;
}

Tables read_tables(const CLI::App& app) {
    Tables t;
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        for (const auto& k : l->knobs().specs) t.knob_options.insert("--" + k.name);
    }
    for (const CLI::Option* opt : app.get_options()) {
        if (!opt->get_positional()) t.global.push_back(option_spec(*opt));
    }
    for (const CLI::App* sub : app.get_subcommands({})) {
        if (sub->get_group().empty()) continue;  // hidden
        CommandSpec cmd;
        cmd.name = sub->get_name();
        cmd.help = one_line(sub->get_description());
        for (const CLI::Option* opt : sub->get_options()) {
            if (opt->get_positional()) {
                cmd.takes_lesson = cmd.takes_lesson || opt->get_name() == "N";
                continue;
            }
            OptionSpec spec = option_spec(*opt);
            if (!spec.names.empty() && t.knob_options.contains(spec.names.front())) {
                cmd.takes_knobs = true;
            } else {
                cmd.options.push_back(std::move(spec));
            }
        }
        t.commands.push_back(std::move(cmd));
    }
    return t;
}

/// A word for either shell, inside single quotes.
std::string shell_word(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

/// The case pattern matching "COMMAND OPTION"; a global option (no command) after any command.
std::string pattern(const std::string& command, const std::string& option) {
    return command.empty() ? "*" + shell_word(" " + option) : shell_word(command + " " + option);
}

std::string joined(const std::vector<std::string>& words, std::string_view sep = " ") {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += sep;
        out += w;
    }
    return out;
}

/// The case patterns "CMD --opt" of every option followed by a value (global ones: any CMD).
std::vector<std::string> value_patterns(const Tables& t) {
    std::vector<std::string> out;
    for (const auto& o : t.global) {
        if (o.value == ValueKind::None) continue;
        for (const auto& n : o.names) out.push_back(pattern("", n));
    }
    for (const auto& c : t.commands) {
        for (const auto& o : c.options) {
            if (o.value == ValueKind::None) continue;
            for (const auto& n : o.names) out.push_back(pattern(c.name, n));
        }
    }
    // Any lesson's knob is taken where they are declared.
    for (const auto& c : t.commands) {
        if (!c.takes_knobs) continue;
        for (const auto& n : t.knob_options) out.push_back(pattern(c.name, n));
    }
    return out;
}

/// Shared by both shells: which option takes a value, and each lesson's knobs and demos.
std::string common_functions(const Tables& t) {
    const std::vector<std::string> patterns = value_patterns(t);
    std::string out;
    out += fmt::format(
        "# _asynclab_takes_value COMMAND OPTION: whether OPTION, after COMMAND, is followed by a "
        "value.\n"
        "_asynclab_takes_value() {{\n"
        "    case \"$1 $2\" in\n"
        "        {}) return 0 ;;\n"
        "    esac\n"
        "    return 1\n"
        "}}\n\n",
        patterns.empty() ? "''" : joined(patterns, "|"));  // "$1 $2" is never empty
    out +=
        "# _asynclab_lesson_words knobs|demos N: lesson N's knob options or demo ids.\n"
        "_asynclab_lesson_words() {\n"
        "    case \"$1 $2\" in\n";
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        std::vector<std::string> knobs;
        std::vector<std::string> demos;
        for (const auto& k : l->knobs().specs) knobs.push_back("--" + k.name);
        for (const auto& d : l->demos) demos.push_back(d.id);
        out += fmt::format("        'knobs {0}') echo {1} ;;\n        'demos {0}') echo {2} ;;\n",
                           l->number, shell_word(joined(knobs)), shell_word(joined(demos)));
    }
    out += "    esac\n}\n\n";
    return out;
}

/// The command line as both shells see it: the command, the lesson, whether a value is due.
constexpr std::string_view scan_words = R"(    local cmd= lesson= skip= word i
    for ((i = FIRST; i < CURRENT_INDEX; i++)); do
        word=${WORDS[i]}
        # bash splits --clock=virtual into "--clock" "=" "virtual"
        if [[ $word == '=' ]]; then skip=1; continue; fi
        if [[ -n $skip ]]; then skip=; continue; fi
        case $word in
            --*=*) ;;
            -*) _asynclab_takes_value "$cmd" "$word" && skip=1 ;;
            *) if [[ -z $cmd ]]; then cmd=$word; elif [[ -z $lesson ]]; then lesson=$word; fi ;;
        esac
    done
)";

std::string scan(std::string_view first, std::string_view current, std::string_view words) {
    std::string s(scan_words);
    const auto put = [&s](std::string_view from, std::string_view to) {
        s.replace(s.find(from), from.size(), to);
    };
    put("FIRST", first);
    put("CURRENT_INDEX", current);
    put("WORDS", words);
    return s;
}

std::string bash_script(const Tables& t) {
    std::string out =
        "# bash completion for asynclab, written by `asynclab completions bash` from the "
        "program's own\n# tables: regenerate it rather than edit it.\n\n";
    out += common_functions(t);

    std::vector<std::string> lessons;
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        lessons.push_back(shell_word(fmt::format("{} {}", l->number, l->slug)));
    }
    out += fmt::format(R"(_asynclab_lessons=({})

# A lesson number, typed or picked by its slug. When several fit they are listed as "3 -- queue"
# (bash inserts only their common prefix), except in menu completion, which inserts a pick.
_asynclab_complete_lesson() {{
    local entry
    local -a hits=()
    for entry in "${{_asynclab_lessons[@]}}"; do
        [[ ${{entry%% *}} == "$1"* || ${{entry#* }} == "$1"* ]] && hits+=("$entry")
    done
    if ((${{#hits[@]}} == 1)) || [[ ${{COMP_TYPE-}} == 37 || ${{COMP_TYPE-}} == 42 ]]; then
        COMPREPLY=("${{hits[@]%% *}}")
    else
        COMPREPLY=("${{hits[@]/ / -- }}")
    fi
}}

)",
                       joined(lessons));

    out +=
        "_asynclab() {\n"
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} words=\n"
        "    COMPREPLY=()\n"
        "    if [[ $cur == = ]]; then\n"
        "        cur=\n"
        "    elif [[ $prev == = ]]; then\n"
        "        prev=${COMP_WORDS[COMP_CWORD-2]}\n"
        "    fi\n";
    out += scan("1", "COMP_CWORD", "COMP_WORDS");
    out +=
        "    if [[ $prev == -* ]] && _asynclab_takes_value \"$cmd\" \"$prev\"; then\n"
        "        case \"$cmd $prev\" in\n";
    const auto value_cases = [&out](const std::string& cmd, const OptionSpec& o) {
        std::vector<std::string> pats;
        for (const auto& n : o.names) pats.push_back(pattern(cmd, n));
        switch (o.value) {
            case ValueKind::Choices:
                out += fmt::format(
                    "            {}) mapfile -t COMPREPLY < <(compgen -W {} -- \"$cur\") ;;\n",
                    joined(pats, "|"), shell_word(joined(o.choices)));
                break;
            case ValueKind::File:
                out += fmt::format(
                    "            {}) compopt -o filenames 2>/dev/null\n"
                    "                mapfile -t COMPREPLY < <(compgen -f -- \"$cur\") ;;\n",
                    joined(pats, "|"));
                break;
            case ValueKind::Demo:
                out += fmt::format(
                    "            {}) mapfile -t COMPREPLY < <(compgen -W "
                    "\"$(_asynclab_lesson_words "
                    "demos \"$lesson\")\" -- \"$cur\") ;;\n",
                    joined(pats, "|"));
                break;
            case ValueKind::None:
            case ValueKind::Free:
                break;
        }
    };
    for (const auto& o : t.global) value_cases("", o);
    for (const auto& c : t.commands) {
        for (const auto& o : c.options) value_cases(c.name, o);
    }
    out +=
        "        esac\n"
        "        return\n"
        "    fi\n"
        "    case $cmd in\n";
    std::vector<std::string> global_names;
    for (const auto& o : t.global)
        global_names.insert(global_names.end(), o.names.begin(), o.names.end());
    std::vector<std::string> commands;
    for (const auto& c : t.commands) commands.push_back(c.name);
    out += fmt::format("        '') words={} ;;\n", shell_word(joined(global_names)));
    for (const auto& c : t.commands) {
        std::vector<std::string> names;
        for (const auto& o : c.options) names.insert(names.end(), o.names.begin(), o.names.end());
        out += fmt::format("        {}) words={}{} ;;\n", shell_word(c.name),
                           shell_word(joined(names)),
                           c.takes_knobs ? "\" $(_asynclab_lesson_words knobs \"$lesson\")\"" : "");
    }
    std::vector<std::string> lesson_commands;
    for (const auto& c : t.commands) {
        if (c.takes_lesson) lesson_commands.push_back(shell_word(c.name));
    }
    out += fmt::format(
        R"(    esac
    local takes_lesson=
    case $cmd in
        {}) takes_lesson=1 ;;
    esac
    if [[ $cur != -* && -z $cmd ]]; then
        mapfile -t COMPREPLY < <(compgen -W {} -- "$cur")
    elif [[ $cur != -* && -n $takes_lesson && -z $lesson ]]; then
        _asynclab_complete_lesson "$cur"
    else
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    fi
}}

complete -F _asynclab asynclab
)",
        lesson_commands.empty() ? "''" : joined(lesson_commands, "|"),
        shell_word(joined(commands)));
    return out;
}

/// "name:description" for zsh's _describe (a colon in the name would need a backslash).
std::string described(std::string_view name, std::string_view help) {
    return shell_word(fmt::format("{}:{}", name, help));
}

std::string zsh_option_items(const std::vector<OptionSpec>& options) {
    std::vector<std::string> items;
    for (const auto& o : options) {
        for (const auto& n : o.names) items.push_back(described(n, o.help));
    }
    return joined(items, "\n        ");
}

std::string zsh_script(const Tables& t) {
    std::string out =
        "#compdef asynclab\n"
        "# zsh completion for asynclab, written by `asynclab completions zsh` from the program's "
        "own\n# tables: regenerate it rather than edit it.\n\n";
    out += common_functions(t);

    out +=
        "# _asynclab_lesson_knobs N: lesson N's knobs, described, in $reply.\n"
        "_asynclab_lesson_knobs() {\n"
        "    case $1 in\n";
    std::vector<std::string> lesson_items;
    for (const lessons::Lesson* l : lessons::all_lessons()) {
        std::vector<std::string> items;
        for (const auto& k : l->knobs().specs) {
            items.push_back(described(
                "--" + k.name, fmt::format("{} (default {})", one_line(k.help), k.default_text)));
        }
        out += fmt::format("        {}) reply=({}) ;;\n", l->number, joined(items));
        lesson_items.push_back(described(std::to_string(l->number), l->slug));
    }
    out += "        *) reply=() ;;\n    esac\n}\n\n";

    out += "_asynclab() {\n    local prev value=\n";
    out += scan("2", "CURRENT", "words");
    out +=
        "    prev=${words[CURRENT-1]}\n"
        "    if [[ ${words[CURRENT]} == --*=* ]]; then\n"
        "        prev=${${words[CURRENT]}%%=*}\n"
        "        compset -P '*='\n"
        "        value=1\n"
        "    elif [[ $prev == -* ]] && _asynclab_takes_value \"$cmd\" \"$prev\"; then\n"
        "        value=1\n"
        "    fi\n"
        "    if [[ -n $value ]]; then\n"
        "        case \"$cmd $prev\" in\n";
    const auto value_cases = [&out](const std::string& cmd, const OptionSpec& o) {
        std::vector<std::string> pats;
        for (const auto& n : o.names) pats.push_back(pattern(cmd, n));
        switch (o.value) {
            case ValueKind::Choices:
                out += fmt::format("            {}) compadd -- {} ;;\n", joined(pats, "|"),
                                   joined(o.choices));
                break;
            case ValueKind::File:
                out += fmt::format("            {}) _files ;;\n", joined(pats, "|"));
                break;
            case ValueKind::Demo:
                out += fmt::format(
                    "            {}) compadd -- ${{=$(_asynclab_lesson_words demos \"$lesson\")}} "
                    ";;\n",
                    joined(pats, "|"));
                break;
            case ValueKind::None:
            case ValueKind::Free:
                break;
        }
    };
    for (const auto& o : t.global) value_cases("", o);
    for (const auto& c : t.commands) {
        for (const auto& o : c.options) value_cases(c.name, o);
    }
    out += "            *) _message value ;;\n        esac\n        return\n    fi\n";

    std::vector<std::string> commands;
    for (const auto& c : t.commands) commands.push_back(described(c.name, c.help));
    std::vector<std::string> lesson_commands;
    std::vector<std::string> knob_commands;
    for (const auto& c : t.commands) {
        if (c.takes_lesson) lesson_commands.push_back(shell_word(c.name));
        if (c.takes_knobs) knob_commands.push_back(shell_word(c.name));
    }
    out += fmt::format(
        R"(    local -a items reply
    if [[ ${{words[CURRENT]}} != -* && -z $cmd ]]; then
        items=({})
        _describe -t commands command items
        return
    fi
    if [[ ${{words[CURRENT]}} != -* && -z $lesson && $cmd == ({}) ]]; then
        items=({})
        _describe -t lessons lesson items
        return
    fi
    case $cmd in
        '') items=(
        {}) ;;
)",
        joined(commands), lesson_commands.empty() ? "''" : joined(lesson_commands, "|"),
        joined(lesson_items), zsh_option_items(t.global));
    for (const auto& c : t.commands) {
        out += fmt::format("        {}) items=(\n        {}) ;;\n", shell_word(c.name),
                           zsh_option_items(c.options));
    }
    out += fmt::format(
        R"(    esac
    if [[ $cmd == ({}) ]]; then
        _asynclab_lesson_knobs "$lesson"
        items+=($reply)
    fi
    _describe -t options option items
}}

_asynclab "$@"
)",
        knob_commands.empty() ? "''" : joined(knob_commands, "|"));
    return out;
}

}  // namespace

std::string completion_script(const CLI::App& app, std::string_view shell) {
    const Tables tables = read_tables(app);
    if (shell == "bash") return bash_script(tables);
    if (shell == "zsh") return zsh_script(tables);
    throw UsageError(fmt::format("no completions for '{}'; shells are bash and zsh", shell));
}

int completions_command(const CLI::App& app, std::string_view shell) {
    const std::string script = completion_script(app, shell);
    std::fwrite(script.data(), 1, script.size(), stdout);
    return exit_ok;
}

}  // namespace asynclab::cli

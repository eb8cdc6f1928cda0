#pragma once
// Shell completion scripts for bash and zsh (the hidden `asynclab completions bash|zsh`), written
// from the program's own tables so they cannot drift from it: commands and options from the CLI11
// definition, lesson numbers, slugs, knobs and demo ids from the lessons registry.

#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace asynclab::cli {

/// The completion script for `shell`, "bash" or "zsh", for the program `app` defines. Subcommands
/// in no group (hidden ones) are left out.
std::string completion_script(const CLI::App& app, std::string_view shell);

/// Prints completion_script() to stdout; returns the exit code.
int completions_command(const CLI::App& app, std::string_view shell);

}  // namespace asynclab::cli

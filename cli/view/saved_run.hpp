#pragma once
// A run saved by `asynclab run N --json`, read back (cli/run/json-schema.md): each demo's trace is
// rebuilt from the document's typed events, so the views draw it as they drew the live run.

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "asynclab/lessons/lesson.hpp"
#include "asynclab/trace.hpp"

namespace asynclab::cli {

/// What is wrong with a document, in one line: "not JSON: syntax error at line 3, column 7",
/// "missing field demos[0].events[4].t_s", "schema 9 is not one this asynclab reads (1)".
class DocumentError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct SavedDemo {
    std::string id;
    std::string title;
    Duration duration{};
    bool interrupted = false;
    std::optional<std::string> error;
    Trace trace;
    lessons::Metrics metrics;
    nlohmann::ordered_json json;  ///< The demo as saved (a trace's findings are read from it).
};

struct SavedRun {
    int lesson = 0;
    std::string slug;  ///< "trace" for a document `asynclab trace --json` wrote.
    std::string title;
    int demos_chosen = 0;  ///< The demos the run meant to show (more than it saved if cut short).
    std::vector<SavedDemo> demos;
};

/// Throws DocumentError.
[[nodiscard]] SavedRun read_saved_run(std::string_view text);

}  // namespace asynclab::cli

// Knobs in range stay small and quick: every lesson at the corners of its knob ranges runs under
// the virtual clock in under 2 s of CPU time and 256 MB, and prints under 10 MB (its --json, its
// prose, its
// --trace file, each).
//
// The corners: each knob at its min or at its max (a list knob: one item at the min, or the
// longest list at the max), every combination of them — 118 for the eight lessons. A corner that
// breaks a limit tying knobs together ([[knob_limit]] in lesson_data) must be refused with one
// line naming those knobs; it is then pulled back onto the limit, by lowering the limit's knobs
// in turn until it holds, and that point of the allowed region runs instead. Each run is a child
// process: its peak memory is its own getrusage (wait4), its output what came through the pipe
// plus the trace file.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "asynclab/lessons/lesson.hpp"

using namespace asynclab::lessons;

namespace {

constexpr double max_seconds = 2.0;
constexpr long max_rss_kb = 256 * 1024;
constexpr std::uintmax_t max_output_bytes = 10'000'000;

struct Measured {
    int exit_code = -1;
    double seconds = 0;
    long max_rss_kb = 0;
    std::uintmax_t output_bytes = 0;
    std::string first_err_line;
};

Measured measure(const std::vector<std::string>& args) {
    int out[2];
    int err[2];
    REQUIRE(pipe(out) == 0);
    REQUIRE(pipe(err) == 0);
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        std::vector<char*> argv{const_cast<char*>(ASYNCLAB_BINARY)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(ASYNCLAB_BINARY, argv.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    Measured m;
    char buf[65536];
    for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) m.output_bytes += std::size_t(n);
    std::string errors;
    for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) errors.append(buf, std::size_t(n));
    close(out[0]);
    close(err[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    // CPU time, not the wall clock: what the run costs, whatever else the machine is doing.
    const auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    m.seconds = secs(usage.ru_utime) + secs(usage.ru_stime);
    m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    m.max_rss_kb = usage.ru_maxrss;
    m.first_err_line = errors.substr(0, errors.find('\n'));
    return m;
}

/// The largest figures seen, for the test's closing message.
Measured worst;

std::string number_text(double v) {
    return fmt::format("{:.6g}", v);
}

/// A knob at one end of its range, as the command line gives it.
std::string end_of(const KnobSpec& k, bool max) {
    if (k.kind != KnobKind::SecondsList) return number_text(max ? k.max : k.min);
    if (!max) return number_text(k.min);
    std::vector<std::string> items(k.max_items, number_text(k.max));
    return fmt::format("{}", fmt::join(items, ","));
}

bool accepted(const KnobTable& table, const std::map<std::string, std::string>& given) {
    try {
        Knobs(table, given);
        return true;
    } catch (const KnobError&) {
        return false;
    }
}

/// Lowers `name` (a count or seconds knob) by `factor`, not below its min.
void lower(const KnobSpec& k, double factor, std::map<std::string, std::string>& given) {
    const double v = std::stod(given.at(k.name)) * factor;
    const double lowered = k.kind == KnobKind::Seconds || k.kind == KnobKind::Fraction
                               ? std::floor(v * 1000) / 1000
                               : std::floor(v);
    given[k.name] = number_text(std::max(k.min, lowered));
}

/// The corner moved onto the limits it breaks: each limit's knobs lowered in turn.
std::map<std::string, std::string> onto_limits(const KnobTable& table,
                                               std::map<std::string, std::string> given) {
    for (const KnobLimit& limit : table.limits) {
        std::vector<std::string> knobs = limit.times;
        knobs.insert(knobs.end(), limit.least.begin(), limit.least.end());
        for (const auto& name : knobs) {
            const KnobTable just_this{.specs = table.specs, .limits = {limit}};
            if (accepted(just_this, given)) break;
            // Halve until the limit holds (or the knob is at its min): lands within 2x of it.
            for (int i = 0; i < 60 && !accepted(just_this, given); ++i) {
                const std::string before = given.at(name);
                lower(*table.find(name), 0.5, given);
                if (given.at(name) == before) break;
            }
        }
    }
    return given;
}

void check_run(int lesson, const std::map<std::string, std::string>& given) {
    const auto trace =
        std::filesystem::temp_directory_path() / fmt::format("asynclab-limits-{}.json", getpid());
    std::vector<std::string> knob_args;
    for (const auto& [name, value] : given) {
        knob_args.push_back("--" + name);
        knob_args.push_back(value);
    }
    for (const bool json : {true, false}) {
        std::vector<std::string> args{"run", std::to_string(lesson), "--clock", "virtual"};
        if (json) args.insert(args.end(), {"--json", "--trace", trace.string()});
        args.insert(args.end(), knob_args.begin(), knob_args.end());
        CAPTURE(fmt::format("asynclab {}", fmt::join(args, " ")));
        const Measured m = measure(args);
        CAPTURE(m.first_err_line);
        CHECK(m.exit_code == 0);
        CHECK(m.seconds < max_seconds);
        CHECK(m.max_rss_kb < max_rss_kb);
        CHECK(m.output_bytes < max_output_bytes);
        if (json) CHECK(std::filesystem::file_size(trace) < max_output_bytes);
        worst.seconds = std::max(worst.seconds, m.seconds);
        worst.max_rss_kb = std::max(worst.max_rss_kb, m.max_rss_kb);
        worst.output_bytes = std::max(
            {worst.output_bytes, m.output_bytes, json ? std::filesystem::file_size(trace) : 0});
    }
    std::filesystem::remove(trace);
}

}  // namespace

TEST_CASE("every lesson at every corner of its knob ranges stays under 2 s, 256 MB and 10 MB") {
    int corners = 0;
    int refused = 0;
    for (const Lesson* lesson : all_lessons()) {
        const KnobTable& table = lesson->knobs();
        const std::size_t n = table.specs.size();
        for (std::size_t bits = 0; bits < (std::size_t{1} << n); ++bits) {
            std::map<std::string, std::string> given;
            for (std::size_t i = 0; i < n; ++i)
                given[table.specs[i].name] = end_of(table.specs[i], (bits >> i & 1) != 0);
            ++corners;
            if (!accepted(table, given)) {
                ++refused;
                std::vector<std::string> args{"run", std::to_string(lesson->number), "--clock",
                                              "virtual"};
                for (const auto& [name, value] : given)
                    args.insert(args.end(), {"--" + name, value});
                const Measured m = measure(args);
                CAPTURE(m.first_err_line);
                CHECK(m.exit_code == 2);
                CHECK(m.first_err_line.find("would make") != std::string::npos);
                given = onto_limits(table, given);
                REQUIRE(accepted(table, given));
            }
            CAPTURE(lesson->number);
            check_run(lesson->number, given);
        }
    }
    MESSAGE(corners << " corners, " << refused
                    << " of them pulled back onto a knob limit; at worst " << worst.seconds
                    << " s, " << worst.max_rss_kb / 1024 << " MB, " << worst.output_bytes
                    << " bytes of output");
    CHECK(corners == 118);
}

// `asynclab view`: a run saved with --json redraws as the run printed it — every demo of every
// lesson, at the defaults and at two other knob settings each — and a bad document is one line
// naming the file and what is wrong, exit 2.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "asynclab/lessons/prose_lookup.hpp"
#include "asynclab/lessons/run.hpp"
#include "asynclab/lessons/text.hpp"
#include "process.hpp"
#include "run/demo_page.hpp"
#include "run/json_report.hpp"
#include "terminal/text_wrap.hpp"
#include "view/saved_run.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

using Args = std::vector<std::string>;
const std::vector<std::string> env{"COLUMNS=80", "NO_COLOR=1"};

std::string temp_path(const std::string& name) {
    return fmt::format("{}/asynclab-view-{}-{}",
                       std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp", getpid(), name);
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

/// `run`'s page without the lesson's prose (its introduction, each demo's explanation, watch line
/// and takeaway, filled in from the knobs and the run's figures), which a saved run does not carry:
/// what `view` must print.
std::string without_prose(std::string page, int number, const Args& knob_args) {
    const lessons::Lesson& lesson = *lessons::find_lesson(number);
    const lessons::LessonText& text = lessons::lesson_text(number);
    std::map<std::string, std::string> given;
    for (std::size_t i = 0; i + 1 < knob_args.size(); i += 2)
        given[knob_args[i].substr(2)] = knob_args[i + 1];
    const lessons::Knobs knobs(lesson.knobs(), given);
    std::size_t from = 0;
    const auto cut = [&](const std::string& block) {
        const auto at = page.find(block, from);
        REQUIRE_MESSAGE(at != std::string::npos, "prose not found: " << block);
        page.erase(at, block.size());
        from = at;
    };
    cut(cli::wrap_paragraphs(text.intro, 80) + "\n");
    for (const lessons::DemoSpec& spec : lesson.demos) {
        const lessons::DemoText* demo = text.demo(spec.id);
        REQUIRE(demo != nullptr);
        cut(cli::wrap_paragraphs(
                lessons::fill_prose(demo->explain, lessons::prose_lookup(knobs, lesson)), 80, 2) +
            "\n");
        // The watch line above the timeline (short enough never to be cut at 80 columns).
        if (!demo->watch.empty()) {
            cut("  " + lessons::fill_prose(demo->watch, lessons::prose_lookup(knobs, lesson)) +
                "\n");
        }
        const lessons::DemoRun run = lessons::run_demo(lesson, spec, knobs, {});
        cut(cli::wrap_paragraphs(
                lessons::fill_prose(demo->takeaway, lessons::prose_lookup(run, knobs, lesson)), 80,
                2) +
            "\n");
    }
    return page;
}

void check_round_trip(int lesson, const Args& knobs) {
    CAPTURE(lesson);
    CAPTURE(fmt::format("{}", fmt::join(knobs, " ")));
    Args run{"run", std::to_string(lesson), "--clock", "virtual"};
    run.insert(run.end(), knobs.begin(), knobs.end());
    const Result page = run_cli(run, env);
    REQUIRE(page.exit_code == 0);
    run.push_back("--json");
    const Result saved = run_cli(run, env);
    REQUIRE(saved.exit_code == 0);
    const std::string file = temp_path(fmt::format("{}.json", lesson));
    write_file(file, saved.out);
    const Result view = run_cli({"view", file}, env);
    std::remove(file.c_str());
    CHECK(view.err.empty());
    CHECK(view.exit_code == 0);
    CHECK(view.out == without_prose(page.out, lesson, knobs));
}

}  // namespace

TEST_CASE("view redraws every demo of every lesson as run printed it, at three knob settings") {
    const std::vector<std::vector<Args>> settings{
        {{}, {"--delays", "0.3,0.6,0.9"}, {"--delays", "2,0.1,0.3"}},
        {{}, {"--timeout", "0.5", "--work", "0.1"}, {"--timeout", "0.01", "--work", "1"}},
        {{},
         {"--workers", "4", "--maxsize", "1", "--items", "9"},
         {"--maxsize", "0", "--work", "0.05"}},
        {{}, {"--limit", "1", "--tasks", "4"}, {"--limit", "10", "--work", "0.3"}},
        {{}, {"--pool", "1", "--jobs", "3"}, {"--tick", "0.005", "--block", "0.1"}},
        {{},
         {"--fail-rate", "0.5", "--retries", "1"},
         {"--urls", "5", "--concurrency", "1", "--timeout", "0.2"}},
    };
    for (std::size_t i = 0; i < settings.size(); ++i) {
        for (const Args& knobs : settings[i]) check_round_trip(static_cast<int>(i) + 1, knobs);
    }
}

TEST_CASE("view - reads standard input; one demo of several keeps its place in the count") {
    const Result saved =
        run_cli({"run", "3", "--clock", "virtual", "--demo", "backpressure", "--json"}, env);
    REQUIRE(saved.exit_code == 0);
    const std::string file = temp_path("stdin.json");
    const std::string out = temp_path("stdout.txt");
    write_file(file, saved.out);
    const int status = std::system(
        fmt::format("COLUMNS=80 NO_COLOR=1 '{}' view - < '{}' > '{}'", ASYNCLAB_BINARY, file, out)
            .c_str());
    CHECK(status == 0);
    std::ifstream in(out);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(file.c_str());
    std::remove(out.c_str());
    CHECK(text.find(" 1/1 backpressure ") != std::string::npos);
    CHECK(text.find("1 column = ") != std::string::npos);
}

TEST_CASE("a run on the real clock round-trips to the nanosecond") {
    const lessons::Lesson& lesson = *lessons::find_lesson(3);
    const lessons::LessonText& text = lessons::lesson_text(3);
    lessons::RunOptions options;
    options.clock = ClockMode::Real;
    options.speed = 20;
    lessons::DemoRun demo = lessons::run_demo(lesson, lesson.demos.front(),
                                              lessons::Knobs(lesson.knobs(), {}), options);
    nlohmann::ordered_json doc = {{"schema", cli::report_schema},
                                  {"lesson", {{"number", 3}, {"title", text.title}}},
                                  {"demos_chosen", 1},
                                  {"demos", {cli::demo_json(demo, text)}}};
    const cli::SavedRun saved = cli::read_saved_run(doc.dump());
    REQUIRE(saved.demos.size() == 1);
    const cli::SavedDemo& back = saved.demos.front();
    CHECK(back.duration == demo.duration);
    REQUIRE(back.trace.events().size() == demo.trace.events().size());
    for (std::size_t i = 0; i < back.trace.events().size(); ++i) {
        CHECK(back.trace.events()[i].t == demo.trace.events()[i].t);
    }
    const cli::Terminal term{.width = 100};
    CHECK(cli::demo_result(cli::read_trace(back.trace, back.duration), false, std::nullopt,
                           back.metrics,
                           term) == cli::demo_result(cli::read_trace(demo.trace, demo.duration),
                                                     false, std::nullopt, demo.metrics, term));
}

TEST_CASE("a bad document: one line naming the file and what is wrong, exit 2") {
    const Result saved = run_cli({"run", "1", "--clock", "virtual", "--json"}, env);
    REQUIRE(saved.exit_code == 0);
    nlohmann::ordered_json good = nlohmann::ordered_json::parse(saved.out);
    const auto expect = [&](const std::string& name, const std::string& content,
                            const std::string& message) {
        CAPTURE(name);
        const std::string file = temp_path(name);
        write_file(file, content);
        const Result r = run_cli({"view", file}, env);
        std::remove(file.c_str());
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == fmt::format("asynclab: {}: {}\n", file, message));
    };
    expect("syntax.json", "{\n  \"schema\": 1,\n  \"lesson\": {,\n}",
           "not JSON: syntax error at line 3, column 14");
    expect("empty.json", "", "not JSON: syntax error at line 1, column 1");
    expect("list.json", "[1, 2]", "not a saved run: the document is not a JSON object");
    auto future = good;
    future["schema"] = 2;
    expect("future.json", future.dump(), "schema 2 is not one this asynclab reads (it reads 1)");
    auto old = good;
    old.erase("schema");
    expect("old.json", old.dump(),
           "missing field schema: not a document `asynclab run N --json` wrote (schema 1)");
    auto no_time = good;
    no_time["demos"][0]["events"][3].erase("t_s");
    expect("no-time.json", no_time.dump(), "missing field demos[0].events[3].t_s");
    auto bad_wait = good;
    std::size_t first_wait = 0;
    auto& events = bad_wait["demos"][0]["events"];
    while (events[first_wait]["type"] != "suspended") ++first_wait;
    events[first_wait]["wait"] = "nap";
    expect("bad-wait.json", bad_wait.dump(),
           fmt::format("demos[0].events[{}].wait: 'nap' is not a known value", first_wait));
    auto bad_type = good;
    bad_type["demos"][0]["duration_s"] = "long";
    expect("bad-type.json", bad_type.dump(), "demos[0].duration_s should be a number");

    const Result missing = run_cli({"view", "/nonexistent/run.json"}, env);
    CHECK(missing.exit_code == 2);
    CHECK(missing.err ==
          "asynclab: /nonexistent/run.json: cannot read it: No such file or directory\n");
}

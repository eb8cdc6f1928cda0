// Lesson texts filled in from a run: figures and knobs, computed values, plurals, sentences
// chosen by outcome, and one clear error for a text that names what the run does not have.
#include <doctest/doctest.h>

#include <map>

#include "asynclab/lessons/prose.hpp"

using namespace asynclab;
using namespace asynclab::lessons;

namespace {

std::string fill(std::string_view text) {
    static const std::map<std::string, ProseValue, std::less<>> run = {
        {"tasks", {10, false}},
        {"limit", {3, false}},
        {"work", {1.0, true}},
        {"makespan_s", {4.0, true}},
        {"lost_updates", {1, false}},
        {"rate", {0.25, false}},
        {"timed_out", {true, false}},
        {"winner", {"C", false}},
        {"order", {ValueList{"C", "A", "B"}, false}},
        {"gaps", {ValueList{0.1, 0.25}, true}},
    };
    return fill_prose(text, [](std::string_view name) -> std::optional<ProseValue> {
        const auto it = run.find(name);
        if (it == run.end()) return std::nullopt;
        return it->second;
    });
}

}  // namespace

TEST_CASE("a bare name prints as the run shows it") {
    CHECK(fill("{tasks} tasks, {limit} permits") == "10 tasks, 3 permits");
    CHECK(fill("took {makespan_s} s, each {work} s") == "took 4.000 s, each 1.000 s");
    CHECK(fill("rate {rate}") == "rate 0.25");
    CHECK(fill("{timed_out}; {winner} won; order {order}; gaps {gaps}") ==
          "yes; C won; order C, A, B; gaps 0.100, 0.250");
}

TEST_CASE("a computed value follows its stated formula") {
    CHECK(fill("ceil({tasks} / {limit}) x {work} = {ceil(tasks / limit) * work}") ==
          "ceil(10 / 3) x 1.000 = 4");
    CHECK(fill("{rate * 100}%") == "25%");
    CHECK(fill("{pow(rate, 3) * 100:.1f}%") == "1.6%");
    CHECK(fill("{makespan_s:.1f}") == "4.0");
    CHECK(fill("{-(tasks - limit) % 4}") == "-3");
    CHECK(fill("{min(tasks, limit)} {max(tasks, limit)} {floor(10 / 4)} {round(2.5)} {abs(-2)}") ==
          "3 10 2 3 2");
    CHECK(fill("{tasks / 4}") == "2.5");
    CHECK(fill("{len(order)} in order, {len( gaps ) * 10}") == "3 in order, 20");
    CHECK(fill("{if len(order) == 3}three{end}") == "three");
}

TEST_CASE("plurals and sentences are chosen by the run's outcome") {
    CHECK(fill("{lost_updates} lost {lost_updates|update|updates}") == "1 lost update");
    CHECK(fill("{tasks} {tasks|task|tasks}") == "10 tasks");
    CHECK(fill("{if lost_updates == 0}none lost{elif lost_updates == 1}one lost{else}many{end}.") ==
          "one lost.");
    CHECK(
        fill("{if tasks > limit and not timed_out}a{elif tasks >= 10 or rate < 0}b{else}c{end}") ==
        "b");
    CHECK(fill("{if tasks <= limit}{if timed_out}x{else}y{end}{else}z{end}") == "z");
    // A branch not taken is not evaluated: a name only one outcome has may appear in it.
    CHECK(fill("{if tasks < 0}{no_such_figure}{end}ok") == "ok");
    CHECK(fill("{if timed_out}{if tasks == 10}both{end}{end}") == "both");
    CHECK(fill("a {{literal}} brace") == "a {literal} brace");
}

TEST_CASE("a text that does not fit its run is one clear error") {
    CHECK_THROWS_WITH_AS(fill("{nope}"), "in {nope}: the run has no figure or knob 'nope'",
                         ProseError);
    CHECK_THROWS_WITH_AS(fill("{winner + 1}"), "in {winner + 1}: arithmetic needs numbers",
                         ProseError);
    CHECK_THROWS_WITH_AS(fill("{if tasks}x"), "an {if} without its {end}", ProseError);
    CHECK_THROWS_WITH_AS(fill("x{end}"), "in {end}: an {end} without its {if}", ProseError);
    CHECK_THROWS_WITH_AS(fill("{else}"), "in {else}: an {else} without its {if}", ProseError);
    CHECK_THROWS_WITH_AS(fill("{tasks"), "a '{' without its '}'", ProseError);
    CHECK_THROWS_WITH_AS(fill("tasks}"), "a '}' without its '{' (write '}}' for a brace)",
                         ProseError);
    CHECK_THROWS_WITH_AS(fill("{tasks|one}"), "in {tasks|one}: write {count|one|many}", ProseError);
    CHECK_THROWS_WITH_AS(fill("{ceil(tasks}"), "in {ceil(tasks}: missing ')'", ProseError);
    CHECK_THROWS_WITH_AS(fill("{sqrt(tasks)}"), "in {sqrt(tasks)}: unknown function 'sqrt'",
                         ProseError);
    CHECK_THROWS_WITH_AS(fill("{tasks tasks}"), "in {tasks tasks}: unexpected 'tasks'", ProseError);
    CHECK_THROWS_WITH_AS(fill("{tasks +}"), "in {tasks +}: an expression ends too soon",
                         ProseError);
    CHECK_THROWS_AS(fill("{tasks:q}"), ProseError);
    CHECK_THROWS_WITH_AS(fill("{len(tasks)}"),
                         "in {len(tasks)}: len() needs a list, and 'tasks' is not one", ProseError);
    CHECK_THROWS_WITH_AS(fill("{len(nope)}"),
                         "in {len(nope)}: the run has no figure or knob 'nope'", ProseError);
    CHECK_THROWS_WITH_AS(fill("{len(tasks + 1)}"), "in {len(tasks + 1)}: write len(name)",
                         ProseError);
}

// Ctrl-C, SIGTERM and SIGHUP during `asynclab run`: whatever the moment — before the first loop,
// in a demo however busy, between demos — the run reports what happened so far and exits
// 128 + the signal, or ends normally when the signal came after its end. Never killed by it.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include "process.hpp"

using namespace asynclab::testing;

namespace {

bool interrupted_report(const Result& r) {
    return r.out.find("Interrupted") != std::string::npos;
}

}  // namespace

TEST_CASE("a signal before any loop exists still ends in the report and 128 + the signal") {
    for (const auto& [sig, code] : {std::pair{SIGINT, 130}, {SIGTERM, 143}, {SIGHUP, 129}}) {
        CAPTURE(sig);
        Child child({"run", "1", "--speed", "50"}, {}, true);
        child.signal(sig);  // pending from the first instruction of the program
        const Result r = child.finish();
        CHECK_FALSE(r.killed);
        CHECK(r.exit_code == code);
        CHECK(interrupted_report(r));
        CHECK(r.out.find("Lesson 1") != std::string::npos);  // the header; no demo started
    }
}

TEST_CASE(
    "SIGINT at 50 random moments of a real-clock run: 130 with the report, or 0 after the end") {
    std::mt19937 random(20261129);  // seeded: the same 50 moments every time
    int interrupted = 0;
    for (int i = 0; i < 50; ++i) {
        const auto delay =
            std::chrono::microseconds(std::uniform_int_distribution<int>(0, 200'000)(random));
        CAPTURE(delay.count());
        Child child({"run", "1", "--speed", "50"}, {}, true);
        std::this_thread::sleep_for(delay);
        child.signal(SIGINT);
        const Result r = child.finish();
        CHECK_FALSE(r.killed);
        if (r.exit_code == 130) {
            ++interrupted;
            CHECK(interrupted_report(r));
        } else {
            CHECK(r.exit_code == 0);  // it came after the end
            CHECK_FALSE(interrupted_report(r));
        }
    }
    MESSAGE(interrupted << " of 50 runs interrupted");
    CHECK(interrupted > 0);
}

TEST_CASE("Ctrl-C while blocking calls hold the loop: the next blocking call never starts") {
    Child child({"run", "5", "--block", "1", "--jobs", "5"});
    REQUIRE(child.read_until("each called right on the loop thread"));
    child.signal(SIGINT);  // while j0 (or soon j0) holds the loop thread for 1 s
    const Result r = child.finish();
    CHECK_FALSE(r.killed);
    CHECK(r.exit_code == 130);
    CHECK(interrupted_report(r));
    CHECK(r.out.find("j4 done") == std::string::npos);
    CHECK(r.out.find("executor ·") == std::string::npos);  // no further demo
}

TEST_CASE("SIGTERM and SIGHUP in a demo: the same report, exit 143 and 129") {
    for (const auto& [sig, code] : {std::pair{SIGTERM, 143}, {SIGHUP, 129}}) {
        CAPTURE(sig);
        Child child({"run", "1", "--demo", "concurrent"});
        REQUIRE(child.read_until("fetch C started"));
        child.signal(sig);
        const Result r = child.finish();
        CHECK_FALSE(r.killed);
        CHECK(r.exit_code == code);
        CHECK(r.out.find("Interrupted: the tasks were cancelled") != std::string::npos);
    }
}

TEST_CASE("other commands keep the signals' default action") {
    Child child({"progress", "--reset"}, {"ASYNCLAB_HOME=/nonexistent-asynclab-home"}, true);
    child.signal(SIGTERM);
    const Result r = child.finish();
    CHECK(r.killed);
    CHECK(r.exit_code == 143);
}

TEST_CASE("with --json an interrupted run still prints its document, and says so on stderr") {
    Child child({"run", "1", "--json"}, {}, true);
    child.signal(SIGINT);
    const Result r = child.finish();
    CHECK_FALSE(r.killed);
    CHECK(r.exit_code == 130);
    CHECK(r.out.find("\"demos\": []") != std::string::npos);
    CHECK(r.err == "asynclab: interrupted; the report is partial\n");
}

// Lesson 8 (cache): the herd, single-flight, expiry, failures not kept, and a cancelled waiter
// that leaves the shared fetch running — figures at exact virtual times.
#include "lesson_helpers.hpp"

using namespace asynclab;
using namespace asynclab::testing;
using Json = nlohmann::ordered_json;
using Strings = std::vector<std::string>;

TEST_CASE("lesson 8 naive: every request of the crowd fetches") {
    const auto r = run_demo(8, "naive");
    const Json m = metrics_json(r);
    CHECK(m["fetches"] == 12);
    CHECK(m["hits"] == 0);
    CHECK(m["served"] == 12);
    CHECK(m["makespan_s"] == 0.1);
    CHECK(metrics_json(run_demo(8, "naive", {{"requests", "4"}, {"keys", "2"}}))["fetches"] == 4);
}

TEST_CASE("lesson 8 single-flight: one fetch per key, everyone else joins it") {
    const auto r = run_demo(8, "single-flight");
    const Json m = metrics_json(r);
    CHECK(m["fetches"] == 1);
    CHECK(m["shared"] == 11);
    CHECK(m["served"] == 12);
    CHECK(m["makespan_s"] == 0.1);
    const Json three =
        metrics_json(run_demo(8, "single-flight", {{"requests", "7"}, {"keys", "3"}}));
    CHECK(three["fetches"] == 3);
    CHECK(three["shared"] == 4);
    const auto lines = output_of(run_demo(8, "single-flight", {{"requests", "2"}}));
    CHECK(lines == Strings{"r0 k0: miss, fetching", "r1 k0: miss, joining the fetch in flight",
                           "fetch k0 stored k0#1", "r0 k0: got k0#1", "r1 k0: got k0#1"});
}

TEST_CASE("lesson 8 ttl: an entry older than the ttl is fetched again") {
    const auto r = run_demo(8, "ttl");
    const Json m = metrics_json(r);
    // r0 fetches at 0; r1-r3 join; stored at 0.1, fresh until 0.2: r4-r6 hit; r7 (0.21) finds it
    // expired and fetches until 0.31; r8-r10 join; stored at 0.31: r11 (0.33) hits.
    CHECK(m["fetched_by"] == Json({"r0", "r7"}));
    CHECK(m["fetches"] == 2);
    CHECK(m["hits"] == 4);
    CHECK(m["shared"] == 6);
    CHECK(m["expired"] == 1);
    CHECK(r.duration == secs(0.33));
    // A ttl of 0: stale at once, so each request after a fetch fetches again.
    CHECK(metrics_json(run_demo(8, "ttl", {{"ttl", "0"}, {"requests", "5"}}))["fetched_by"] ==
          Json({"r0", "r4"}));
}

TEST_CASE("lesson 8 failure: everyone sharing a failed fetch hears it; nothing is kept") {
    const auto all = run_demo(8, "failure", {{"fail-rate", "1"}, {"requests", "6"}});
    const Json m = metrics_json(all);
    // Every fetch fails: r0 fetches (r1-r3 share), r4 fetches again at 0.12 (r5 shares).
    CHECK(m["fetched_by"] == Json({"r0", "r4"}));
    CHECK(m["failed_fetches"] == 2);
    CHECK(m["failed_requests"] == 6);
    CHECK(m["hits"] == 0);
    CHECK(m["served"] == 0);
    for (const auto& e : all.trace.events()) CHECK(e.name != channel::engine);  // all heard
    const Json none = metrics_json(run_demo(8, "failure", {{"fail-rate", "0"}}));
    CHECK(none["failed_fetches"] == 0);
    CHECK(none["served"] == 12);
    // Same seed, same run.
    CHECK(metrics_json(run_demo(8, "failure", {}, 7)) ==
          metrics_json(run_demo(8, "failure", {}, 7)));
}

TEST_CASE(
    "lesson 8 failure at the defaults: one failure reaches four requests, r11 fetches again") {
    // Seed 42 draws 0.755, 0.639, 0.752: against --fail-rate 0.7 only the second fetch fails.
    const auto r = run_demo(8, "failure");
    const Json m = metrics_json(r);
    CHECK(m["fetched_by"] == Json({"r0", "r7", "r11"}));
    CHECK(m["failed_fetches"] == 1);
    CHECK(m["failed_requests"] == 4);
    CHECK(m["retries"] == 1);
    CHECK(m["served"] == 8);
    CHECK(r.duration == secs(0.43));
}

TEST_CASE("lesson 8 cancel-one: the cancelled waiter stops, the shared fetch runs on") {
    const auto r = run_demo(8, "cancel-one");
    const Json m = metrics_json(r);
    CHECK(m["cancelled"] == Json({"r0"}));
    CHECK(m["k0_stored"] == true);
    CHECK(m["fetches"] == 1);
    CHECK(m["served"] == 11);
    CHECK(m["states"]["r0"] == "cancelled");
    CHECK(m["states"]["r1"] == "completed");
    CHECK(r.duration == secs(0.1));
    // Its only caller gave up, and the fetch still runs to its end and fills the cache.
    const auto alone = run_demo(8, "cancel-one", {{"requests", "1"}});
    CHECK(metrics_json(alone)["cancelled"] == Json({"r0"}));
    CHECK(metrics_json(alone)["k0_stored"] == true);
    CHECK(metrics_json(alone)["served"] == 0);
    CHECK(alone.duration == secs(0.1));
}

// shield(): the awaiting task can be cancelled at every point of its wait while the shielded task
// runs on for the others — what a single-flight cache relies on.
#include "harness.hpp"

namespace doctest {
/// Failed comparisons of lines show the lines.
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& lines) {
        return fmt::format("\n  {}\n", fmt::join(lines, "\n  ")).c_str();
    }
};
}  // namespace doctest

using namespace asynclab;
using namespace asynclab::testing;

namespace {

Task<int> value_after(double delay, int value) {
    co_await sleep(secs(delay));
    print("inner done");
    co_return value;
}

Task<int> fail_after(double delay) {
    co_await sleep(secs(delay));
    throw ValueError("down");
}

/// Awaits `inner` through shield and prints what it got.
Task<void> shielded(TaskHandle<int> inner) {
    try {
        const int v = co_await shield(inner);
        print("got {}", v);
    } catch (const Cancelled&) {
        print("cancelled");
        throw;
    } catch (const ValueError& e) {
        print("heard {}", e.what());
    }
}

/// Cancels `victim` at `at`, after `hops` more loop turns, and prints whether `inner` was done.
Task<void> cancel_at(TaskHandle<void> victim, TaskHandle<int> inner, double at, int hops) {
    co_await sleep(secs(at));
    for (int i = 0; i < hops; ++i) co_await yield();
    print("cancel (inner done: {})", inner.done());
    victim.cancel();
}

}  // namespace

TEST_CASE("shield gives the result one turn after a plain await, as asyncio's callback hop") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto inner = spawn(value_after(1.0, 7), "inner");
            auto s = spawn(shielded(inner), "shielded");
            auto plain = spawn(
                [](TaskHandle<int> t) -> Task<void> { print("plain got {}", co_await t); }(inner),
                "plain");
            co_await s;
            co_await plain;
        }());
        CHECK(h.output() ==
              Lines{"1.000 inner inner done", "1.000 plain plain got 7", "1.000 shielded got 7"});
        CHECK(h.events({EventType::Suspended}) ==
              Lines{"0.000 main suspended task shielded", "0.000 inner suspended sleep",
                    "0.000 shielded suspended task inner", "0.000 plain suspended task inner"});
    }
    check_no_leaks();
}

TEST_CASE("a task already done is shielded without suspending") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto inner = spawn(value_after(0.0, 3), "inner");
        co_await sleep(secs(0.5));
        const Duration before = Loop::current().now();
        CHECK(co_await shield(inner) == 3);
        CHECK(Loop::current().now() == before);
    }());
    CHECK(h.events({EventType::Suspended}) ==
          Lines{"0.000 main suspended sleep", "0.000 inner suspended yield"});
}

TEST_CASE("cancelled while waiting: the awaiter hears Cancelled, the inner task runs on") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto inner = spawn(value_after(1.0, 7), "inner");
            auto a = spawn(shielded(inner), "a");
            auto b = spawn(shielded(inner), "b");
            co_await sleep(secs(0.4));
            a.cancel();
            co_await settled(a);
            CHECK(a.cancelled());
            CHECK_FALSE(inner.done());
            co_await b;
            CHECK(inner.result() == 7);
        }());
        CHECK(h.output() == Lines{"0.400 a cancelled", "1.000 inner inner done", "1.000 b got 7"});
    }
    check_no_leaks();
}

TEST_CASE(
    "a cancellation pending when shield is reached raises there; the inner task is untouched") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto inner = spawn(value_after(1.0, 7), "inner");
        auto self = spawn(
            [](TaskHandle<int> t) -> Task<void> {
                Loop::current().current_task()->cancel();
                co_await shielded(t);
            }(inner),
            "self");
        co_await settled(self);
        CHECK(self.cancelled());
        CHECK(Loop::current().now() == secs(0.0));
        CHECK(co_await inner == 7);
    }());
    CHECK(h.output() == Lines{"0.000 self cancelled", "1.000 inner inner done"});
}

TEST_CASE("cancelled after the inner task ended, before or after its callback: Cancelled wins") {
    // hops 0: the canceller runs on the inner task's last turn, when the done callback is queued;
    // hops 1: one turn later, when the callback has run and queued the awaiter.
    for (const int hops : {0, 1}) {
        CAPTURE(hops);
        std::vector<std::string> reports;
        {
            Harness h;
            h.loop.set_exception_handler([&](const std::string& m) { reports.push_back(m); });
            h.loop.run([](int n) -> Task<void> {
                auto inner = spawn(fail_after(1.0), "inner");
                auto a = spawn(shielded(inner), "a");
                auto c = spawn(cancel_at(a, inner, 1.0, n), "canceller");
                co_await settled(a);
                CHECK(a.cancelled());
                co_await c;
            }(hops));
            CHECK(h.output() ==
                  Lines{"1.000 canceller cancel (inner done: true)", "1.000 a cancelled"});
        }
        // As in asyncio, the shield saw the failure, even though nobody heard it.
        CHECK(reports.empty());
        check_no_leaks();
    }
}

TEST_CASE("every awaiter hears the inner failure, and nothing is reported as never retrieved") {
    std::vector<std::string> reports;
    {
        Harness h;
        h.loop.set_exception_handler([&](const std::string& m) { reports.push_back(m); });
        h.loop.run([]() -> Task<void> {
            auto a = spawn(shielded(spawn(fail_after(0.2), "inner")), "a");
            co_await a;
        }());
        CHECK(h.output() == Lines{"0.200 a heard down"});
    }
    CHECK(reports.empty());
    check_no_leaks();
}

TEST_CASE("an inner task cancelled by someone else cancels its awaiters") {
    Harness h;
    h.loop.run([]() -> Task<void> {
        auto inner = spawn(value_after(1.0, 7), "inner");
        auto a = spawn(shielded(inner), "a");
        co_await sleep(secs(0.3));
        inner.cancel();
        co_await settled(a);
        CHECK(a.cancelled());
        CHECK(inner.cancelled());
    }());
    CHECK(h.output() == Lines{"0.300 a cancelled"});
}

TEST_CASE("an inner failure after every awaiter was cancelled is still reported") {
    std::vector<std::string> reports;
    {
        Harness h;
        h.loop.set_exception_handler([&](const std::string& m) { reports.push_back(m); });
        h.loop.run([]() -> Task<void> {
            auto inner = spawn(fail_after(1.0), "inner");
            auto a = spawn(shielded(inner), "a");
            co_await sleep(secs(0.5));
            a.cancel();
            co_await settled(a);
            std::vector<TaskHandle<int>> rest{inner};
            co_await wait(std::move(rest));
        }());
    }
    CHECK(reports == Lines{"Task exception was never retrieved: task inner failed with "
                           "ValueError: down"});
    check_no_leaks();
}

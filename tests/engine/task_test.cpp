// Lazy tasks, spawn, handles, sleep and the ready queue's order.
#include "harness.hpp"

using namespace asynclab;
using namespace asynclab::testing;

namespace {

Task<int> answer() {
    co_return 42;
}

Task<std::string> fetch(std::string name, double delay) {
    print("{} start", name);
    co_await sleep(secs(delay));
    print("{} done", name);
    co_return name;
}

}  // namespace

TEST_CASE("a coroutine that is never awaited never runs") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto never = fetch("ghost", 1.0);  // lazy: nothing runs
            co_return;
        }());
        CHECK(h.output().empty());
    }
    check_no_leaks();
}

TEST_CASE("awaiting a task runs it inside the awaiting task") {
    {
        Harness h;
        int v = h.loop.run(answer());
        CHECK(v == 42);
        CHECK(h.trace.tasks().size() == 1);
    }
    check_no_leaks();
}

TEST_CASE("sequential awaits add up; spawned tasks overlap") {
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            co_await fetch("A", 1.0);
            co_await fetch("B", 1.5);
            print("sequential done");
        }());
        CHECK(h.output() == Lines{"0.000 main A start", "1.000 main A done", "1.000 main B start",
                                  "2.500 main B done", "2.500 main sequential done"});
    }
    {
        Harness h;
        h.loop.run([]() -> Task<void> {
            auto a = spawn(fetch("A", 1.0), "A");
            auto b = spawn(fetch("B", 1.5), "B");
            auto c = spawn(fetch("C", 0.5), "C");
            std::string ra = co_await a;
            std::string rb = co_await b;
            std::string rc = co_await c;
            print("{}{}{}", ra, rb, rc);
        }());
        CHECK(h.output() == Lines{"0.000 A A start", "0.000 B B start", "0.000 C C start",
                                  "0.500 C C done", "1.000 A A done", "1.500 B B done",
                                  "1.500 main ABC"});
    }
    check_no_leaks();
}

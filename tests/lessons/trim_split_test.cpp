// The one trim and split the lessons and the CLI parse with.
#include <doctest/doctest.h>

#include "asynclab/lessons/trim_split.hpp"

using namespace asynclab::lessons;

TEST_CASE("trim and split") {
    CHECK(trim("  a b \t\n") == "a b");
    CHECK(trim(" \t ").empty());
    CHECK(split("a, b,,c", ',') == std::vector<std::string_view>{"a", "b", "", "c"});
    CHECK(split("", ',') == std::vector<std::string_view>{""});
}

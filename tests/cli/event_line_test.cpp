// The recorder's plain event lines read without nlohmann; every other line left to it.
#include "trace/event_line.hpp"

#include <doctest/doctest.h>

using asynclab::cli::PlainItem;
using asynclab::cli::split_plain;

TEST_CASE("event line: plain items are read, with or without spaces after commas") {
    std::vector<PlainItem> items;
    REQUIRE(split_plain(R"(["task", 0, 12, -3, "work-2", "prog.py", 18])", items));
    REQUIRE(items.size() == 7);
    CHECK(items[0].text == "task");
    CHECK(items[1].integer == 0);
    CHECK(items[2].integer == 12);
    CHECK(items[3].integer == -3);
    CHECK(items[4].text == "work-2");
    CHECK(items[6].integer == 18);
    REQUIRE(split_plain(R"(["done",123456789012345678,4,null])", items));
    REQUIRE(items.size() == 4);
    CHECK(items[1].integer == 123456789012345678);
    CHECK(items[3].kind == PlainItem::Kind::Null);
    REQUIRE(split_plain(R"(["wait",5,6,"yield",""])", items));
    CHECK(items[4].kind == PlainItem::Kind::Text);
    CHECK(items[4].text.empty());
}

TEST_CASE("event line: anything but plain items is left to the JSON parser") {
    std::vector<PlainItem> items;
    for (const char* line : {R"(["out",0,1,"say \"hi\""])",          // an escape
                             "[\"out\",0,1,\"\xe4\xb8\xad\"]",       // UTF-8
                             "[\"out\",0,1,\"a\tb\"]",               // a control character
                             R"(["done",0,1,1.5])",                  // a real
                             R"(["done",0,1,1e3])",                  // a real
                             R"(["done",0,1,1234567890123456789])",  // more digits than always fit
                             R"(["done",0,1,012])",                  // not JSON
                             R"(["done",0,1,true])",                 // a boolean
                             R"(["done",0,1,[1,2]])",                // a list
                             R"(["hello",[3,11,7],"virtual"])",      // a list
                             R"(["start",0,1)",                      // cut short
                             R"(["start",0,1]x)",                    // trailing text
                             R"(["start",0,1,])",                    // a trailing comma
                             R"(["start",nul,1])",                   // not null
                             R"([])", "", "{}"}) {
        CAPTURE(line);
        CHECK_FALSE(split_plain(line, items));
    }
}

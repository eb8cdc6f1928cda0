// The streamed JSON writer against nlohmann's dump(2, ' ', false, replace) of the same tree: a
// saved `run --json` or `trace --json` redraws byte for byte only while the two agree to the byte.
#include "run/json_writer.hpp"

#include <doctest/doctest.h>

#include <limits>

using asynclab::cli::JsonWriter;
using Json = nlohmann::ordered_json;

namespace {

std::string dumped(const Json& j) {
    return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("json writer: scalars are written as nlohmann writes them") {
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<std::string> strings{"",
                                           "plain",
                                           "quote \" and \\ backslash",
                                           "tab\tnew\nline\x01\x1f\x7f",
                                           "中文 ünï",
                                           "bad \xff utf-8 \xc3",
                                           "/slash"};
    for (const std::string& s : strings) {
        std::string out;
        JsonWriter(out).value(s);
        CHECK(out == dumped(Json(s)));
    }
    for (double x : {0.0, -0.0, 0.1, 1.0, 1.5, 1e-7, 123456789.123, 1e21, 1e300, -2.5e-300, inf,
                     -inf, std::numeric_limits<double>::quiet_NaN()}) {
        std::string out;
        JsonWriter(out).value(x);
        CHECK(out == dumped(Json(x)));
    }
    std::string ints;
    JsonWriter w(ints);
    w.begin_array();
    w.value(std::numeric_limits<std::int64_t>::min());
    w.value(std::numeric_limits<std::uint64_t>::max());
    w.value(0);
    w.value(std::uint32_t{7});
    w.value(true);
    w.value(nullptr);
    w.end_array();
    CHECK(ints ==
          dumped(Json::array({std::numeric_limits<std::int64_t>::min(),
                              std::numeric_limits<std::uint64_t>::max(), 0, 7u, true, nullptr})));
}

TEST_CASE("json writer: nesting, empty containers and subtrees indent as nlohmann indents them") {
    const Json subtree = {{"a", Json::array({1, Json::object(), Json::array(), {{"b", "c"}}})},
                          {"d", Json::object()}};
    const Json expected = {{"empty_object", Json::object()},
                           {"empty_array", Json::array()},
                           {"list", Json::array({Json::object(), Json::array({1.5}), subtree})},
                           {"tree", subtree},
                           {"key \"quoted\"", "v"}};
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("empty_object").begin_object();
    w.end_object();
    w.key("empty_array").begin_array();
    w.end_array();
    w.key("list").begin_array();
    w.begin_object();
    w.end_object();
    w.begin_array();
    w.value(1.5);
    w.end_array();
    w.value(subtree);
    w.end_array();
    w.member("tree", subtree);
    w.member("key \"quoted\"", "v");
    w.end_object();
    CHECK(out == dumped(expected));
}

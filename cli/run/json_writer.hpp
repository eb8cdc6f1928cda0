#pragma once
// A JSON document written as it goes, byte for byte as nlohmann's dump(2, ' ', false, replace)
// writes the same tree. `run --json` and `trace --json` of a run with tens of thousands of events
// spent most of their time building and freeing the tree; a saved document must still redraw
// byte for byte, so the format is nlohmann's exactly (subtrees and odd strings go through its
// own serializer).

#include <nlohmann/json.hpp>

#include <concepts>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace asynclab::cli {

class JsonWriter {
  public:
    /// Appends to `out`, which must outlive the writer.
    explicit JsonWriter(std::string& out);
    /// Writes to `sink` a chunk at a time (a document of 10,000 tasks is tens of megabytes);
    /// finish() writes the rest. A failed write throws fmt's std::system_error.
    explicit JsonWriter(std::FILE* sink);

    /// Writes what is not written yet to the sink (nothing to do for a string).
    void finish();

    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    /// The next value is this member's.
    JsonWriter& key(std::string_view name);

    void value(std::string_view s);
    void value(const char* s) { value(std::string_view(s)); }
    void value(const std::string& s) { value(std::string_view(s)); }
    void value(bool b);
    void value(double x);
    void value(std::nullptr_t);
    template <std::integral T>
    requires(!std::same_as<T, bool>) void value(T n) {
        item();
        if constexpr (std::signed_integral<T>) {
            integer(static_cast<std::int64_t>(n));
        } else {
            unsigned_integer(static_cast<std::uint64_t>(n));
        }
    }
    /// Any tree, indented as nlohmann indents it at this depth.
    void value(const nlohmann::ordered_json& j);

    template <typename T>
    void member(std::string_view name, const T& v) {
        key(name);
        value(v);
    }

  private:
    void item();  // what goes before a value: nothing after a key, else a new line and indent
    void integer(std::int64_t n);
    void unsigned_integer(std::uint64_t n);
    void indent(std::size_t depth);

    std::FILE* sink_ = nullptr;
    std::string own_;  // the chunk not yet written to sink_
    std::string& out_;
    std::vector<bool> has_items_;  // one per open object or array
    bool after_key_ = false;
    nlohmann::detail::serializer<nlohmann::ordered_json> serializer_;
};

}  // namespace asynclab::cli

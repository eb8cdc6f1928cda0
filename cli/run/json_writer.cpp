#include "run/json_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace asynclab::cli {

namespace {

constexpr unsigned indent_step = 2;
constexpr std::size_t chunk_bytes = 1 << 16;  // written to a sink at a time

/// Printable ASCII other than the two characters JSON escapes: copied as they are.
bool plain(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
    });
}

}  // namespace

JsonWriter::JsonWriter(std::string& out)
    : out_(out),
      serializer_(nlohmann::detail::output_adapter<char, std::string>(out_), ' ',
                  nlohmann::ordered_json::error_handler_t::replace) {
}

JsonWriter::JsonWriter(std::FILE* sink)
    : sink_(sink),
      out_(own_),
      serializer_(nlohmann::detail::output_adapter<char, std::string>(out_), ' ',
                  nlohmann::ordered_json::error_handler_t::replace) {
    own_.reserve(2 * chunk_bytes);
}

void JsonWriter::finish() {
    if (sink_ == nullptr || out_.empty()) return;
    fmt::print(sink_, "{}", std::string_view(out_));
    out_.clear();
}

void JsonWriter::indent(std::size_t depth) {
    out_.append(depth * indent_step, ' ');
}

void JsonWriter::item() {
    // Between values, where the serializer has written all it was given.
    if (sink_ != nullptr && out_.size() >= chunk_bytes) finish();
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (has_items_.empty()) return;
    out_ += has_items_.back() ? ",\n" : "\n";
    has_items_.back() = true;
    indent(has_items_.size());
}

void JsonWriter::begin_object() {
    item();
    out_ += '{';
    has_items_.push_back(false);
}

void JsonWriter::begin_array() {
    item();
    out_ += '[';
    has_items_.push_back(false);
}

void JsonWriter::end_object() {
    const bool any = has_items_.back();
    has_items_.pop_back();
    if (any) {
        out_ += '\n';
        indent(has_items_.size());
    }
    out_ += '}';
}

void JsonWriter::end_array() {
    const bool any = has_items_.back();
    has_items_.pop_back();
    if (any) {
        out_ += '\n';
        indent(has_items_.size());
    }
    out_ += ']';
}

JsonWriter& JsonWriter::key(std::string_view name) {
    value(name);
    out_ += ": ";
    after_key_ = true;
    return *this;
}

void JsonWriter::value(std::string_view s) {
    if (!plain(s)) {
        // Escapes, and invalid UTF-8 replaced, exactly as nlohmann writes them.
        value(nlohmann::ordered_json(s));
        return;
    }
    item();
    out_ += '"';
    out_ += s;
    out_ += '"';
}

void JsonWriter::value(bool b) {
    item();
    out_ += b ? "true" : "false";
}

void JsonWriter::value(std::nullptr_t) {
    item();
    out_ += "null";
}

void JsonWriter::value(double x) {
    item();
    if (!std::isfinite(x)) {
        out_ += "null";
        return;
    }
    // The shortest text that reads back as x: what nlohmann's serializer writes.
    char buffer[64];
    const char* end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, x);
    out_.append(buffer, static_cast<std::size_t>(end - buffer));
}

void JsonWriter::integer(std::int64_t n) {
    const fmt::format_int text(n);
    out_.append(text.data(), text.size());
}

void JsonWriter::unsigned_integer(std::uint64_t n) {
    const fmt::format_int text(n);
    out_.append(text.data(), text.size());
}

void JsonWriter::value(const nlohmann::ordered_json& j) {
    item();
    serializer_.dump(j, true, false, indent_step,
                     static_cast<unsigned>(has_items_.size() * indent_step));
}

}  // namespace asynclab::cli

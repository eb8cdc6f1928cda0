#include "trace/event_line.hpp"

namespace asynclab::cli {

namespace {

void skip_spaces(std::string_view line, std::size_t& at) {
    while (at < line.size() && line[at] == ' ') ++at;
}

bool read_text(std::string_view line, std::size_t& at, PlainItem& item) {
    const std::size_t begin = ++at;  // past the opening quote
    for (; at < line.size(); ++at) {
        const auto c = static_cast<unsigned char>(line[at]);
        if (c == '"') {
            item.kind = PlainItem::Kind::Text;
            item.text = line.substr(begin, at - begin);
            ++at;
            return true;
        }
        // Escapes, control characters and UTF-8 are left to nlohmann, which checks them.
        if (c == '\\' || c < 0x20 || c >= 0x80) return false;
    }
    return false;
}

bool read_integer(std::string_view line, std::size_t& at, PlainItem& item) {
    const bool negative = line[at] == '-';
    if (negative) ++at;
    const std::size_t begin = at;
    std::int64_t n = 0;
    for (; at < line.size() && line[at] >= '0' && line[at] <= '9'; ++at)
        n = n * 10 + (line[at] - '0');
    const std::size_t digits = at - begin;
    // JSON has no leading zeros; 18 digits always fit; a '.' or 'e' makes a real.
    if (digits == 0 || digits > 18 || (digits > 1 && line[begin] == '0')) return false;
    if (at < line.size() && (line[at] == '.' || line[at] == 'e' || line[at] == 'E')) return false;
    item.kind = PlainItem::Kind::Integer;
    item.integer = negative ? -n : n;
    return true;
}

}  // namespace

bool split_plain(std::string_view line, std::vector<PlainItem>& items) {
    items.clear();
    std::size_t at = 0;
    if (line.empty() || line[0] != '[') return false;
    ++at;
    skip_spaces(line, at);
    if (at < line.size() && line[at] == ']') return false;  // no kind: nothing to read fast
    for (;;) {
        skip_spaces(line, at);
        if (at >= line.size()) return false;
        PlainItem item;
        const char c = line[at];
        if (c == '"') {
            if (!read_text(line, at, item)) return false;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (!read_integer(line, at, item)) return false;
        } else if (line.substr(at, 4) == "null") {
            at += 4;
        } else {
            return false;
        }
        items.push_back(item);
        skip_spaces(line, at);
        if (at >= line.size()) return false;
        if (line[at] == ']') {
            ++at;
            skip_spaces(line, at);
            return at == line.size();
        }
        if (line[at] != ',') return false;
        ++at;
    }
}

}  // namespace asynclab::cli

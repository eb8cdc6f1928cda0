#pragma once
// Text for the timeline, column by column: cutting to fit with an ellipsis, and lines that never
// end in a space. Internal to timeline.cpp; columns are counted by terminal/text.hpp.

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "terminal/text.hpp"

namespace asynclab::cli::timeline {

inline bool continuation_byte(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

inline int width_of(std::string_view text) {
    return display_width(text);
}

/// Control characters become spaces and, in ASCII mode, other characters become '?'.
inline std::string clean(std::string_view text, bool unicode) {
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) {
            out += ' ';
        } else if (byte >= 0x80 && !unicode) {
            if (!continuation_byte(c)) out += '?';
        } else {
            out += c;
        }
    }
    return out;
}

/// At most `width` columns, an ellipsis marking the cut: at the end, or in the middle for names,
/// whose ends tell them apart ("fetch-url-12").
inline std::string fit(std::string_view text, int width, bool unicode, bool keep_end = false) {
    const int text_width = width_of(text);
    if (text_width <= width) return std::string(text);
    if (width <= 0) return {};
    const int tail = keep_end ? (width - 1) / 2 : 0;
    // The ending is the last `tail` columns, or one more where a wide character straddles them.
    const std::string_view ending = text.substr(display_head(text, text_width - tail).size());
    return fmt::format("{}{}{}", display_head(text, width - 1 - width_of(ending)),
                       unicode ? "…" : "~", ending);
}

/// One output line. Spaces are held back until something follows them: no line ends in one.
class Line {
  public:
    void skip(int columns) { pending_ += columns; }
    void put(std::string_view painted, int columns) {
        out_.append(static_cast<std::size_t>(pending_), ' ');
        column_ += pending_;
        pending_ = 0;
        out_ += painted;
        column_ += columns;
    }
    void skip_to(int column) { skip(std::max(0, column - column_ - pending_)); }
    void end_into(std::string& out) {
        out += out_;
        out += '\n';
    }

  private:
    std::string out_;
    int column_ = 0;
    int pending_ = 0;
};

}  // namespace asynclab::cli::timeline

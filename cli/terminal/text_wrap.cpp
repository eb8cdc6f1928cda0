#include "terminal/text_wrap.hpp"

#include <unictype.h>
#include <unilbrk.h>
#include <unistr.h>
#include <uniwidth.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "asynclab/lessons/trim_split.hpp"
#include "terminal/text.hpp"

namespace asynclab::cli {

namespace {

constexpr const char* encoding = "UTF-8";

const std::uint8_t* units(std::string_view text) noexcept {
    return reinterpret_cast<const std::uint8_t*>(text.data());
}

bool wide(ucs4_t c) noexcept {
    return uc_width(c, encoding) == 2;
}

ucs4_t first_char(std::string_view text) noexcept {
    ucs4_t c = 0;
    if (!text.empty()) u8_mbtouc(&c, units(text), text.size());
    return c;
}

ucs4_t last_char(std::string_view text) noexcept {
    ucs4_t c = 0;
    if (!text.empty()) u8_prev(&c, units(text) + text.size(), units(text));
    return c;
}

/// Chinese punctuation (，。：）…), which no space ever sits next to.
bool wide_punctuation(ucs4_t c) noexcept {
    return wide(c) && uc_is_punct(c);
}

struct Paragraph {
    std::string text;
    bool verbatim = false;  ///< Code: lines indented four spaces, kept as they are.
    bool bullet = false;    ///< "- item": its lines after the first hang under its text.
};

/// Source lines joined into paragraphs; lines indented four spaces or more (code) are kept as
/// they are, one block. A line end between two Han characters, or next to
/// Chinese punctuation, is dropped, not made a space: Chinese puts no space between words (as
/// CSS does for East Asian text). Between Han and Latin it is a space, as Chinese typesetting
/// spaces them.
std::vector<Paragraph> paragraphs(std::string_view text) {
    std::vector<Paragraph> out;
    std::string current;
    bool bullet = false;  // `current` is a list item
    const auto flush = [&] {
        if (!current.empty()) out.push_back({std::move(current), false, bullet});
        current.clear();
        bullet = false;
    };
    std::istringstream lines{std::string(text)};
    for (std::string line; std::getline(lines, line);) {
        const std::string_view trimmed = lessons::trim(line);
        if (trimmed.empty()) {
            flush();
            // A blank line inside code stays; the code block ends at the next prose line.
            if (!out.empty() && out.back().verbatim) out.back().text += '\n';
            continue;
        }
        if (line.starts_with("    ")) {
            flush();
            if (out.empty() || !out.back().verbatim) out.push_back({"", true});
            while (line.ends_with(' ') || line.ends_with('\r')) line.pop_back();
            out.back().text += line + '\n';
            continue;
        }
        std::string_view words = trimmed;
        if (words.starts_with("- ")) {  // a list item starts a paragraph of its own
            flush();
            bullet = true;
            words.remove_prefix(2);
        }
        const ucs4_t before = last_char(current);
        const ucs4_t after = first_char(words);
        if (!current.empty() && !(wide(before) && wide(after)) && !wide_punctuation(before) &&
            !wide_punctuation(after))
            current += ' ';
        // Runs of spaces and tabs read as one space, as between words.
        for (char c : words) {
            if (c == '\t') c = ' ';
            if (c != ' ' || current.empty() || current.back() != ' ') current += c;
        }
    }
    flush();
    std::erase_if(out, [](const Paragraph& p) { return p.text.empty(); });
    return out;
}

bool ascii_word_char(unsigned char c) noexcept {
    return c > ' ' && c < 0x80;
}

/// A number and its unit stay on one line: "0.3 s", "20 ms", "0.3 秒".
bool unit_follows(std::string_view para, std::size_t i) {
    if (i < 2 || para[i - 1] != ' ' || std::isdigit(static_cast<unsigned char>(para[i - 2])) == 0)
        return false;
    for (std::string_view unit : {"s", "ms", "µs", "秒"}) {
        if (!para.substr(i).starts_with(unit)) continue;
        const std::size_t end = i + unit.size();
        if (end == para.size() || std::isalnum(static_cast<unsigned char>(para[end])) == 0)
            return true;
    }
    return false;
}

/// The paragraph in pieces a line may end after, by Unicode's line-breaking rules (UAX #14, from
/// libunistring): between Han characters, never before 。，、） nor after （. Where the rules
/// would also cut ASCII text that has no space ("--items", "a/b", "wait_for(...)"), it stays whole.
std::vector<std::string_view> pieces(std::string_view para) {
    std::vector<char> breaks(para.size());
    u8_possible_linebreaks(units(para), para.size(), encoding, breaks.data());
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 1; i < para.size(); ++i) {
        if (breaks[i] != UC_BREAK_POSSIBLE) continue;
        const auto before = static_cast<unsigned char>(para[i - 1]);
        const auto after = static_cast<unsigned char>(para[i]);
        if (ascii_word_char(before) && ascii_word_char(after)) continue;
        if (unit_follows(para, i)) continue;
        out.push_back(para.substr(start, i - start));
        start = i;
    }
    out.push_back(para.substr(start));
    return out;
}

std::string_view trim_end(std::string_view s) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

std::string_view trim_start(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    return s;
}

}  // namespace

std::string wrap_paragraphs(std::string_view text, int width, int indent) {
    const int limit = std::max(20, width - indent);
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    std::string out;
    const std::vector<Paragraph> paras = paragraphs(text);
    for (std::size_t p = 0; p < paras.size(); ++p) {
        const auto& [para, verbatim, bullet] = paras[p];
        // List items follow each other without a blank line between them.
        if (!out.empty() && !(bullet && p > 0 && paras[p - 1].bullet)) out += '\n';
        if (bullet) {
            out += wrap_marked(pad + "- ", indent + 2, para, width, indent + 2);
            continue;
        }
        if (verbatim) {
            std::string_view code = para;
            while (code.ends_with("\n\n")) code.remove_suffix(1);
            std::istringstream lines{std::string(code)};
            for (std::string l; std::getline(lines, l);) out += l.empty() ? "\n" : pad + l + '\n';
            continue;
        }
        std::string line;
        for (std::string_view piece : pieces(lessons::trim(para))) {
            // Spaces at a line's end take no room: the line ends before them.
            if (!line.empty() && display_width(trim_end(line + std::string(piece))) > limit) {
                out += pad + std::string(trim_end(line)) + '\n';
                line.clear();
                piece = trim_start(piece);
            }
            line += piece;
        }
        if (!trim_end(line).empty()) out += pad + std::string(trim_end(line)) + '\n';
    }
    return out;
}

std::string wrap_marked(std::string_view marker, int visible, std::string_view text, int width,
                        int indent) {
    const std::string out = wrap_paragraphs(text, width, indent);
    const auto cut = static_cast<std::size_t>(std::clamp(visible, 0, indent));
    return std::string(marker) + (out.size() >= cut ? out.substr(cut) : out);
}

}  // namespace asynclab::cli

#include "terminal/text_wrap.hpp"

#include <sstream>
#include <vector>

#include "asynclab/lessons/trim_split.hpp"
#include "terminal/text.hpp"

namespace asynclab::cli {

namespace {

std::vector<std::string> paragraphs(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    std::istringstream lines{std::string(text)};
    for (std::string line; std::getline(lines, line);) {
        if (lessons::trim(line).empty()) {
            if (!current.empty()) out.push_back(std::move(current));
            current.clear();
            continue;
        }
        if (!current.empty()) current += ' ';
        current += line;
    }
    if (!current.empty()) out.push_back(std::move(current));
    return out;
}

}  // namespace

std::string wrap_paragraphs(std::string_view text, int width, int indent) {
    const std::size_t limit = static_cast<std::size_t>(std::max(20, width - indent));
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    std::string out;
    for (const std::string& para : paragraphs(text)) {
        if (!out.empty()) out += '\n';
        std::istringstream words(para);
        std::string line;
        for (std::string word; words >> word;) {
            if (!line.empty() &&
                static_cast<std::size_t>(display_width(line) + 1 + display_width(word)) > limit) {
                out += pad + line + '\n';
                line.clear();
            }
            if (!line.empty()) line += ' ';
            line += word;
        }
        if (!line.empty()) out += pad + line + '\n';
    }
    return out;
}

}  // namespace asynclab::cli

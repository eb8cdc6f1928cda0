#pragma once
// print(): a program's own output lines. With tracing on, each line is recorded with its time and
// task (the lessons' "output"); without, it goes to stdout like Python's print.

#include <fmt/format.h>

#include <string>
#include <utility>

namespace asynclab {

void print_line(std::string text);

template <class... Args>
void print(fmt::format_string<Args...> format, Args&&... args) {
    print_line(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace asynclab

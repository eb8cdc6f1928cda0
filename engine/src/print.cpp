#include "asynclab/print.hpp"

#include <cstdio>
#include <utility>

#include "asynclab/loop.hpp"

namespace asynclab {

void print_line(std::string text) {
    Loop* loop = Loop::current_or_null();
    if (loop != nullptr && loop->trace() != nullptr) {
        loop->record(EventType::Log, std::move(text), channel::output);
    } else {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fputc('\n', stdout);
    }
}

}  // namespace asynclab

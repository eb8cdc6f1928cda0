#include "asynclab/print.hpp"

#include <cstdio>

#include "asynclab/loop.hpp"

namespace asynclab {

void print_line(std::string text) {
    Loop* loop = Loop::current_or_null();
    if (loop != nullptr && loop->trace() != nullptr) {
        loop->record(EventType::Log, text, WaitKind::None, channel::output);
    } else {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fputc('\n', stdout);
    }
}

}  // namespace asynclab

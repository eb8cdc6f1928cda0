#pragma once
// The libuv side of a Loop, kept out of the public headers.

#include <uv.h>

#include <functional>
#include <memory>
#include <vector>

#include "asynclab/loop.hpp"

namespace asynclab {

struct SignalWatch {
    uv_signal_t handle{};
    std::function<void()> handler;
};

struct Loop::Uv {
    uv_loop_t loop{};
    uv_timer_t wake{};  // armed for the earliest timer while the loop waits on the real clock
    std::vector<std::unique_ptr<SignalWatch>> signals;
};

}  // namespace asynclab

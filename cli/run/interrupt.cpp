#include "run/interrupt.hpp"

#include <csignal>

namespace asynclab::cli {

namespace {

static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

constexpr int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

std::atomic<bool> requested{false};
volatile std::sig_atomic_t first_signal = 0;

extern "C" void on_stop_signal(int sig) {
    if (first_signal == 0) first_signal = sig;
    requested.store(true, std::memory_order_relaxed);
}

void set_action(void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;  // a write to the terminal goes on, it does not fail
    for (int sig : stop_signals) sigaction(sig, &action, nullptr);
}

}  // namespace

void catch_stop_signals() {
    set_action(on_stop_signal);
    sigset_t set;
    sigemptyset(&set);
    for (int sig : stop_signals) sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

void release_stop_signals() {
    set_action(SIG_DFL);
    if (first_signal != 0) std::raise(first_signal);
}

const std::atomic<bool>& stop_requested() {
    return requested;
}

int stop_exit_code() {
    return 128 + (first_signal != 0 ? static_cast<int>(first_signal) : SIGINT);
}

}  // namespace asynclab::cli

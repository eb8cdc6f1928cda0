#pragma once
// Ctrl-C, SIGTERM and SIGHUP during `asynclab run`: one handler for the whole command, installed
// before anything else, so whenever a signal comes — before the first loop, in a demo however
// busy, between demos — the run stops at the next point it can, reports what happened so far and
// exits 128 + the signal. The handler only sets a flag; the runner and every loop check it.

#include <atomic>

namespace asynclab::cli {

/// Catches SIGINT, SIGTERM and SIGHUP from now on (and unblocks them, should the process have
/// been started with them blocked).
void catch_stop_signals();

/// For commands that do not report an interruption: the signals' default actions again. One
/// caught meanwhile is raised again, so the process ends as it would have.
void release_stop_signals();

/// Set once a stop signal has arrived.
const std::atomic<bool>& stop_requested();

/// 128 + the first stop signal caught (130 for Ctrl-C).
int stop_exit_code();

}  // namespace asynclab::cli

#pragma once
// The process's standard streams at its edges: made safe to use at the start, and checked at the
// end, so that a closed descriptor or a full disk is an error message, never an abort or a lie.

namespace asynclab::cli {

/// Reopens any of descriptors 0, 1 and 2 that is closed on /dev/null. Called first thing: libuv
/// asserts that the descriptors it opens are above 2, so a closed one must not be reused. False
/// (after saying so on stderr, if there is one) when that cannot be done.
bool open_standard_streams() noexcept;

/// A write to stdout failed with `err` (fmt throws std::system_error): check_output_written()
/// tells the learner, once.
void output_failed(int err) noexcept;

/// The exit code once the command's output is flushed: `code`, or exit_failed (after one line on
/// stderr) when stdout could not be written — a full disk, /dev/full, an I/O error.
int check_output_written(int code) noexcept;

}  // namespace asynclab::cli

#pragma once
// The exceptions the engine raises. Names follow asyncio so that what learners see carries over.

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace asynclab {

/// Thrown at a suspension point of a task that was cancelled.
///
/// Like asyncio's CancelledError (a BaseException), it does not derive from std::exception,
/// so `catch (const std::exception&)` does not swallow it; `catch (...)` does — a pitfall.
struct Cancelled {
    [[nodiscard]] const char* what() const noexcept { return "task was cancelled"; }
};

/// Base of the engine's ordinary errors; kind() is the name learners see ("TimeoutError").
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
    [[nodiscard]] virtual const char* kind() const noexcept { return "Error"; }
};

#define ASYNCLAB_ERROR(Name, Base)                                                 \
    class Name : public Base {                                                     \
      public:                                                                      \
        using Base::Base;                                                          \
        [[nodiscard]] const char* kind() const noexcept override { return #Name; } \
    }

ASYNCLAB_ERROR(TimeoutError, Error);       ///< wait_for / timeout() ran out of time.
ASYNCLAB_ERROR(InvalidStateError, Error);  ///< result() of a task that is not done, and the like.
ASYNCLAB_ERROR(QueueFull, Error);          ///< put_nowait on a full queue.
ASYNCLAB_ERROR(QueueEmpty, Error);         ///< get_nowait on an empty queue.
ASYNCLAB_ERROR(RuntimeError, Error);  ///< Misuse: releasing an unlocked lock, too many task_done.
ASYNCLAB_ERROR(ValueError, Error);    ///< A bad argument.
ASYNCLAB_ERROR(CircuitOpenError, Error);  ///< A call refused by an open circuit breaker.
ASYNCLAB_ERROR(ConnectionError, Error);   ///< A connection that failed (Python's builtin).

/// No task can ever run again: every live task waits on something nothing will wake.
ASYNCLAB_ERROR(Deadlock, Error);

#undef ASYNCLAB_ERROR

/// Several failures at once (a task group whose children failed), like asyncio's ExceptionGroup.
class ExceptionGroup : public Error {
  public:
    ExceptionGroup(const std::string& message, std::vector<std::exception_ptr> errors);
    [[nodiscard]] const char* kind() const noexcept override { return "ExceptionGroup"; }
    [[nodiscard]] const std::vector<std::exception_ptr>& exceptions() const noexcept {
        return errors_;
    }

  private:
    std::vector<std::exception_ptr> errors_;
};

/// "TimeoutError: timed out after 0.05 s" — one line naming an exception for traces and output.
std::string describe(const std::exception_ptr& error);
/// The kind alone: "ValueError", what describe() puts before the colon.
std::string error_kind(const std::exception_ptr& error);

/// True when `error` holds Cancelled.
bool is_cancelled(const std::exception_ptr& error);

}  // namespace asynclab

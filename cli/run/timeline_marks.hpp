#pragma once
// The timeline's marks: what each one means, how it looks (Unicode, ASCII, colour) and which wins
// when several fall in one column. Internal to timeline.cpp; a header so the table reads alone.

#include <fmt/color.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "run/segments.hpp"

namespace asynclab::cli::timeline {

// In order of precedence: when several things happen in one column the greatest is drawn (end
// state > waiting on something > running > sleeping), so a short wait or an instant end never
// hides behind a long sleep. Running has two marks: holding the loop for most of a column, and
// running briefly (a wake-up, zero time on the virtual clock), which must not look like the first.
// Breaker states rank the same way: a brief open period shows.
enum class Mark : std::uint8_t {
    Empty,
    NotStarted,
    Sleep,
    Stalled,
    Ran,
    Running,
    Yield,
    Other,
    Backoff,
    Io,
    Task,
    Pool,
    PoolRunning,
    Event,
    Lock,
    Semaphore,
    QueueJoin,
    QueueGet,
    QueuePut,
    Cancelled,
    Failed,
    Completed,
    BreakerClosed,
    BreakerHalfOpen,
    BreakerOpen,
};
inline constexpr std::size_t mark_count = static_cast<std::size_t>(Mark::BreakerOpen) + 1;

struct Look {
    std::string_view unicode;
    std::string_view ascii;
    std::string_view label;  ///< Its words' id: timeline.mark.<label> in messages.toml.
    fmt::text_style style;
};

// Terminal's Style has one Wait colour, and six kinds of waiting must differ by colour as well as
// by glyph, so marks carry fmt colours (running green and sleeping blue, as Style::Run/Sleep).
// Waits are letters in both modes: "q" says queue better than any symbol would. A full queue is a
// big Q and an empty one a small q, so a producer held back by a full queue stands out.
// clang-format off
inline constexpr std::array<Look, mark_count> looks{{
    {" ", " ", "", {}},
    {"·", ".", "not_started", fmt::emphasis::faint},
    {"░", "-", "sleeping", fmt::fg(fmt::terminal_color::blue)},
    {"▒", "*", "stalled", fmt::fg(fmt::terminal_color::red)},
    {"┃", "|", "ran", fmt::fg(fmt::terminal_color::green)},
    {"█", "#", "running", fmt::fg(fmt::terminal_color::green)},
    {"y", "y", "yielded", fmt::emphasis::faint},
    {"?", "?", "other", {}},
    {"b", "b", "backoff", fmt::fg(fmt::terminal_color::blue) | fmt::emphasis::bold},
    {"i", "i", "io", fmt::fg(fmt::terminal_color::bright_cyan)},
    {"t", "t", "task", fmt::fg(fmt::terminal_color::bright_blue)},
    {"p", "p", "pool_queued", fmt::fg(fmt::terminal_color::bright_magenta)},
    {"P", "P", "pool_running", fmt::fg(fmt::terminal_color::bright_magenta)},
    {"e", "e", "event", fmt::fg(fmt::terminal_color::cyan)},
    {"l", "l", "lock", fmt::fg(fmt::terminal_color::bright_red)},
    {"s", "s", "semaphore", fmt::fg(fmt::terminal_color::magenta)},
    {"j", "j", "queue_join", fmt::fg(fmt::terminal_color::yellow)},
    {"q", "q", "queue_get", fmt::fg(fmt::terminal_color::yellow)},
    {"Q", "Q", "queue_put", fmt::fg(fmt::terminal_color::yellow)},
    {"⊘", "/", "cancelled", fmt::fg(fmt::terminal_color::yellow) | fmt::emphasis::bold},
    {"✗", "X", "failed", fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold},
    {"✓", "+", "completed", fmt::fg(fmt::terminal_color::green) | fmt::emphasis::bold},
    {"═", "=", "breaker_closed", fmt::fg(fmt::terminal_color::green)},
    {"╌", "~", "breaker_half_open", fmt::fg(fmt::terminal_color::yellow)},
    {"×", "x", "breaker_open", fmt::fg(fmt::terminal_color::red)},
}};

// How the legend reads: what a task does, then how it ends, then the breaker.
inline constexpr std::array legend_order{
    Mark::Ran, Mark::Running, Mark::Sleep, Mark::Stalled, Mark::Yield, Mark::Io, Mark::Backoff,
    Mark::QueuePut, Mark::QueueGet, Mark::QueueJoin, Mark::Semaphore, Mark::Lock,
    Mark::Event, Mark::Task, Mark::Pool, Mark::PoolRunning, Mark::Other, Mark::NotStarted,
    Mark::Completed, Mark::Failed, Mark::Cancelled,
    Mark::BreakerClosed, Mark::BreakerHalfOpen, Mark::BreakerOpen,
};
// clang-format on

inline const Look& look(Mark mark) {
    return looks[static_cast<std::size_t>(mark)];
}

/// The mark of a segment; running is Ran here, raised to Running where it fills a column.
inline Mark mark_of(const Segment& segment) {
    if (segment.activity == Activity::NotStarted) return Mark::NotStarted;
    if (segment.activity == Activity::Running) return Mark::Ran;
    switch (segment.wait) {
        case WaitKind::Sleep:
            return Mark::Sleep;
        case WaitKind::Yield:
            return Mark::Yield;
        case WaitKind::Task:
        case WaitKind::Gather:
        case WaitKind::Timeout:
            return Mark::Task;
        case WaitKind::QueueGet:
            return Mark::QueueGet;
        case WaitKind::QueuePut:
            return Mark::QueuePut;
        case WaitKind::QueueJoin:
            return Mark::QueueJoin;
        case WaitKind::Semaphore:
            return Mark::Semaphore;
        case WaitKind::Lock:
            return Mark::Lock;
        case WaitKind::Event:
            return Mark::Event;
        case WaitKind::PoolQueued:
            return Mark::Pool;
        case WaitKind::PoolRunning:
            return Mark::PoolRunning;
        case WaitKind::Backoff:
            return Mark::Backoff;
        case WaitKind::Io:
            return Mark::Io;
        case WaitKind::None:
        case WaitKind::Other:
            return Mark::Other;
    }
    return Mark::Other;
}

inline Mark end_mark(EndState state) {
    switch (state) {
        case EndState::Completed:
            return Mark::Completed;
        case EndState::Failed:
            return Mark::Failed;
        case EndState::Cancelled:
            return Mark::Cancelled;
        case EndState::Unfinished:
            return Mark::Empty;
    }
    return Mark::Empty;
}

inline Mark breaker_mark(BreakerState state) {
    switch (state) {
        case BreakerState::Closed:
            return Mark::BreakerClosed;
        case BreakerState::HalfOpen:
            return Mark::BreakerHalfOpen;
        case BreakerState::Open:
            return Mark::BreakerOpen;
    }
    return Mark::BreakerClosed;
}

}  // namespace asynclab::cli::timeline

#pragma once
// Every coroutine frame and task record the engine makes is allocated through here, so tests can
// check that none outlives its loop and benchmarks can report bytes per task. Blocks come from
// per-thread free lists of a few sizes (frame_alloc.cpp says why and what it costs).

#include <cstddef>
#include <cstdint>

namespace asynclab::detail {

struct AllocationStats {
    std::int64_t live_frames = 0;
    std::int64_t live_records = 0;
    std::int64_t frame_bytes = 0;   ///< Bytes the live frames occupy (their blocks' sizes).
    std::int64_t record_bytes = 0;  ///< Bytes the live task records occupy.
    /// The most frame_bytes + record_bytes have been since the last reset_peak(): how much a
    /// program's tasks occupied at their busiest, which a benchmark divides by its task count.
    std::int64_t peak_bytes = 0;

    void reset_peak() noexcept { peak_bytes = frame_bytes + record_bytes; }
};

/// This thread's figures (frames and records are made and freed on the loop thread).
AllocationStats& allocation_stats() noexcept;

void* allocate_frame(std::size_t size);
void free_frame(void* p, std::size_t size) noexcept;
void* allocate_record(std::size_t size);
void free_record(void* p, std::size_t size) noexcept;

/// The same free lists for the engine's other short-lived objects (thread-pool jobs), uncounted.
/// Freed on the thread that allocated them, like frames and records.
void* allocate_block(std::size_t size);
void free_block(void* p, std::size_t size) noexcept;

}  // namespace asynclab::detail

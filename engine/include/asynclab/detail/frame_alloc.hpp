#pragma once
// Every coroutine frame and task record the engine makes is allocated through here, so tests can
// check that none outlives its loop and benchmarks can report bytes per task.

#include <cstddef>
#include <cstdint>

namespace asynclab::detail {

struct AllocationStats {
    std::int64_t live_frames = 0;
    std::int64_t live_records = 0;
    std::int64_t frame_bytes = 0;   ///< Requested bytes of live frames.
    std::int64_t record_bytes = 0;  ///< Requested bytes of live task records.
};

/// This thread's figures (frames and records are made and freed on the loop thread).
AllocationStats& allocation_stats() noexcept;

void* allocate_frame(std::size_t size);
void free_frame(void* p, std::size_t size) noexcept;
void* allocate_record(std::size_t size);
void free_record(void* p, std::size_t size) noexcept;

}  // namespace asynclab::detail

#include "asynclab/detail/frame_alloc.hpp"

#include <new>

namespace asynclab::detail {

AllocationStats& allocation_stats() noexcept {
    static thread_local AllocationStats stats;
    return stats;
}

void* allocate_frame(std::size_t size) {
    void* p = ::operator new(size);
    auto& s = allocation_stats();
    ++s.live_frames;
    s.frame_bytes += static_cast<std::int64_t>(size);
    return p;
}

void free_frame(void* p, std::size_t size) noexcept {
    auto& s = allocation_stats();
    --s.live_frames;
    s.frame_bytes -= static_cast<std::int64_t>(size);
    ::operator delete(p, size);
}

void* allocate_record(std::size_t size) {
    void* p = ::operator new(size);
    auto& s = allocation_stats();
    ++s.live_records;
    s.record_bytes += static_cast<std::int64_t>(size);
    return p;
}

void free_record(void* p, std::size_t size) noexcept {
    auto& s = allocation_stats();
    --s.live_records;
    s.record_bytes -= static_cast<std::int64_t>(size);
    ::operator delete(p, size);
}

}  // namespace asynclab::detail

// Counted allocation of coroutine frames and task records, from per-thread free lists.
//
// A program on the engine makes and drops frames and records at a high rate, in a handful of sizes
// (one per coroutine function and result type). Each size class keeps the blocks freed on this
// thread in a free list, so a task made after another has finished reuses its memory without a
// trip through malloc; new blocks are carved from 64 KiB chunks, without malloc's per-block header.
// The price: memory given to frames and records stays with the thread that freed it, ready for the
// next tasks, and is never returned to the system — a program's busiest moment sets its footprint.
//
// Under AddressSanitizer or ThreadSanitizer every block comes straight from operator new instead:
// a free list would hide a use of a destroyed frame behind the next frame to reuse its memory, the
// very bug the sanitized test builds exist to catch.

#include "asynclab/detail/frame_alloc.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <new>
#include <utility>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ASYNCLAB_POOLED_FRAMES 0
#else
#define ASYNCLAB_POOLED_FRAMES 1
#endif

namespace asynclab::detail {

namespace {

// Every block is a multiple of 16 bytes from 16-aligned chunks: a frame may hold any type of
// fundamental alignment, which operator new guarantees and so must this.
constexpr std::size_t granule = 16;
constexpr std::size_t largest_pooled = 1024;  // larger frames are rare: operator new
constexpr std::size_t class_count = largest_pooled / granule;
constexpr std::size_t first_chunk_bytes = 64 * 1024;
constexpr std::size_t huge_page_bytes = 2 * 1024 * 1024;

struct FreeBlock {
    FreeBlock* next;
};

/// A chunk starts with this header, linking every chunk ever made: the memory stays reachable
/// (leak checkers see no leak) and it is never freed, so a block freed on another thread than the
/// one that carved it can never outlive its chunk. It takes a whole cache line, so that a task's
/// frame and record (64 + 128 bytes, carved one after the other) start on a line of their own.
struct alignas(64) ChunkHeader {
    ChunkHeader* previous;
};
std::atomic<ChunkHeader*> all_chunks{nullptr};

/// This thread's blocks. Constant-initialised and trivially destructible, so reaching it costs no
/// initialisation check.
struct Arena {
    FreeBlock* free[class_count] = {};
    std::byte* carve = nullptr;  // the unused end of the newest chunk
    std::byte* carve_end = nullptr;
    std::size_t next_chunk_bytes = first_chunk_bytes;
    AllocationStats stats;
};
thread_local constinit Arena arena;

[[maybe_unused]] constexpr std::size_t block_size(std::size_t size) noexcept {
    return (size + granule - 1) & ~(granule - 1);
}

/// A chunk of `bytes`; from 2 MiB up, aligned to and backed by huge pages where the system has
/// them (a mapping it refuses falls back to operator new, as the smaller chunks use).
[[maybe_unused]] std::byte* new_chunk(std::size_t bytes) {
#ifdef MADV_HUGEPAGE
    if (bytes >= huge_page_bytes) {
        // Map one huge page more than needed and trim the ends to get the alignment.
        const std::size_t span = bytes + huge_page_bytes;
        void* mapped =
            mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapped != MAP_FAILED) {
            auto* start = static_cast<std::byte*>(mapped);
            const auto address = reinterpret_cast<std::uintptr_t>(start);
            const std::size_t head =
                (huge_page_bytes - address % huge_page_bytes) % huge_page_bytes;
            if (head > 0) munmap(start, head);
            munmap(start + head + bytes, huge_page_bytes - head);  // head < 2 MiB: never empty
            madvise(start + head, bytes, MADV_HUGEPAGE);
            return start + head;
        }
    }
#endif
    return static_cast<std::byte*>(::operator new(bytes));
}

[[maybe_unused]] void* carve(std::size_t block) {
    if (static_cast<std::size_t>(arena.carve_end - arena.carve) < block) {
        const std::size_t bytes = arena.next_chunk_bytes;
        arena.next_chunk_bytes = std::min(bytes * 2, huge_page_bytes);
        std::byte* chunk = new_chunk(bytes);
        auto* header = new (chunk) ChunkHeader{all_chunks.load(std::memory_order_relaxed)};
        while (!all_chunks.compare_exchange_weak(header->previous, header,
                                                 std::memory_order_relaxed)) {
        }
        arena.carve = chunk + sizeof(ChunkHeader);
        arena.carve_end = chunk + bytes;
    }
    void* p = arena.carve;
    arena.carve += block;
    return p;
}

/// Returns the block and the bytes it occupies (what the counters count).
std::pair<void*, std::size_t> take(std::size_t size) {
#if ASYNCLAB_POOLED_FRAMES
    const std::size_t block = block_size(size);
    if (block <= largest_pooled) {
        FreeBlock*& head = arena.free[block / granule - 1];
        if (FreeBlock* b = head) {
            head = b->next;
            return {b, block};
        }
        return {carve(block), block};
    }
#endif
    return {::operator new(size), size};
}

/// Gives a block back; returns the bytes it occupied.
std::size_t give_back(void* p, std::size_t size) noexcept {
#if ASYNCLAB_POOLED_FRAMES
    const std::size_t block = block_size(size);
    if (block <= largest_pooled) {
        FreeBlock*& head = arena.free[block / granule - 1];
        head = new (p) FreeBlock{head};
        return block;
    }
#endif
    ::operator delete(p, size);
    return size;
}

void note_peak(AllocationStats& s) noexcept {
    s.peak_bytes = std::max(s.peak_bytes, s.frame_bytes + s.record_bytes);
}

}  // namespace

AllocationStats& allocation_stats() noexcept {
    return arena.stats;
}

void* allocate_frame(std::size_t size) {
    auto [p, bytes] = take(size);
    auto& s = arena.stats;
    ++s.live_frames;
    s.frame_bytes += static_cast<std::int64_t>(bytes);
    note_peak(s);
    return p;
}

void free_frame(void* p, std::size_t size) noexcept {
    auto& s = arena.stats;
    --s.live_frames;
    s.frame_bytes -= static_cast<std::int64_t>(give_back(p, size));
}

void* allocate_record(std::size_t size) {
    auto [p, bytes] = take(size);
    auto& s = arena.stats;
    ++s.live_records;
    s.record_bytes += static_cast<std::int64_t>(bytes);
    note_peak(s);
    return p;
}

void free_record(void* p, std::size_t size) noexcept {
    auto& s = arena.stats;
    --s.live_records;
    s.record_bytes -= static_cast<std::int64_t>(give_back(p, size));
}

void* allocate_block(std::size_t size) {
    return take(size).first;
}

void free_block(void* p, std::size_t size) noexcept {
    give_back(p, size);
}

}  // namespace asynclab::detail

#pragma once
// Where a task is in its life; a finished one is completed, failed or cancelled — three different
// things (asyncio: done() with a result, with an exception, or cancelled()).

#include <cstdint>
#include <string_view>

namespace asynclab {

enum class TaskStatus : std::uint8_t { Pending, Completed, Failed, Cancelled };

constexpr std::string_view to_string(TaskStatus status) noexcept {
    switch (status) {
        case TaskStatus::Pending:
            return "pending";
        case TaskStatus::Completed:
            return "completed";
        case TaskStatus::Failed:
            return "failed";
        case TaskStatus::Cancelled:
            return "cancelled";
    }
    return "?";
}

}  // namespace asynclab

#pragma once
// Held<P>: a scope holding a Lock or a Semaphore permit, released on every way out of the scope —
// normal exit, exception, cancellation (asyncio: `async with lock:`).
//
//   auto held = co_await lock.hold();

#include <utility>

namespace asynclab {

template <class Primitive>
class [[nodiscard]] Held {
  public:
    explicit Held(Primitive& p) noexcept : p_(&p) {}
    Held(Held&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Held& operator=(Held&& o) noexcept {
        if (this != &o) {
            release();
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held() { release(); }

    /// Releases early.
    void release() {
        if (p_ != nullptr) std::exchange(p_, nullptr)->release();
    }

  private:
    Primitive* p_;
};

}  // namespace asynclab

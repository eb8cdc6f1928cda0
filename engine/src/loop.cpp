#include "asynclab/loop.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>
#include <vector>

#include "asynclab/errors.hpp"
#include "pool_state.hpp"
#include "uv_state.hpp"

namespace asynclab {

namespace {

thread_local Loop* running_loop = nullptr;

// Between busy turns libuv can only hold two things for us: a finished pool job, which an atomic
// counter announces, and a signal, which only a poll finds. So a busy loop polls at once when a job
// has finished and, while a signal is watched, about every millisecond — measured on the coarse
// clock, a tenth of the cost of a precise reading on a VM. Otherwise it never polls: an epoll_wait
// costs more than a whole turn.
constexpr std::uint64_t signal_poll_interval_ns = 1'000'000;

std::uint64_t coarse_now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000U +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

void check_uv(int rc, const char* what) {
    if (rc != 0) throw RuntimeError(fmt::format("{}: {}", what, uv_strerror(rc)));
}

/// Makes `loop` the running loop of this thread for a scope.
class RunningScope {
  public:
    explicit RunningScope(Loop& loop) : previous_(running_loop) { running_loop = &loop; }
    ~RunningScope() { running_loop = previous_; }
    RunningScope(const RunningScope&) = delete;
    RunningScope& operator=(const RunningScope&) = delete;

  private:
    Loop* previous_;
};

}  // namespace

Loop::Loop(LoopOptions options)
    : options_(options),
      uv_(std::make_unique<Uv>()),
      random_(options.seed),
      pool_state_(std::make_unique<detail::PoolState>()) {
    if (!(options_.speed > 0.0) || !std::isfinite(options_.speed)) {
        throw ValueError(fmt::format("speed must be a positive number, not {}", options_.speed));
    }
    if (options_.pool_size == 0) throw ValueError("pool size must be at least 1");
    check_uv(uv_loop_init(&uv_->loop), "uv_loop_init");
    uv_->loop.data = this;
    uv_timer_init(&uv_->loop, &uv_->wake);
    real_start_ns_ = uv_hrtime();
    last_poll_ns_ = coarse_now_ns();
}

Loop::~Loop() {
    if (live_tasks_ > 0) {
        RunningScope scope(*this);
        shut_down_tasks();
    }
    // A pool thread cannot be interrupted: wait for abandoned jobs so their callbacks land here.
    while (pool_in_flight_ > 0) uv_run(&uv_->loop, UV_RUN_ONCE);
    registry_.for_each([](detail::RegistryLink& link) {
        link.unlink();
        static_cast<detail::TaskCore&>(link).detach_from_loop();
    });
    uv_close(reinterpret_cast<uv_handle_t*>(&uv_->wake), nullptr);
    for (auto& s : uv_->signals) uv_close(reinterpret_cast<uv_handle_t*>(&s->handle), nullptr);
    uv_run(&uv_->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&uv_->loop) != 0) {
        std::fputs("asynclab: libuv loop still had open handles at teardown\n", stderr);
    }
}

Loop& Loop::current() {
    if (running_loop == nullptr) throw RuntimeError("no running event loop");
    return *running_loop;
}

Loop* Loop::current_or_null() noexcept {
    return running_loop;
}

Duration Loop::now() const noexcept {
    if (options_.clock == ClockMode::Virtual) return virtual_now_;
    return time_at(uv_hrtime());
}

Duration Loop::time_at(std::uint64_t hrtime_ns) const noexcept {
    if (options_.clock == ClockMode::Virtual) return virtual_now_;
    const std::uint64_t elapsed = hrtime_ns > real_start_ns_ ? hrtime_ns - real_start_ns_ : 0;
    if (options_.speed == 1.0) return Duration{static_cast<std::int64_t>(elapsed)};
    return Duration{std::llround(static_cast<double>(elapsed) * options_.speed)};
}

void Loop::on_signal(int signum, std::function<void()> handler) {
    auto watch = std::make_unique<SignalWatch>();
    watch->handler = std::move(handler);
    check_uv(uv_signal_init(&uv_->loop, &watch->handle), "uv_signal_init");
    watch->handle.data = watch.get();
    check_uv(
        uv_signal_start(
            &watch->handle,
            [](uv_signal_t* h, int) { static_cast<SignalWatch*>(h->data)->handler(); }, signum),
        "uv_signal_start");
    uv_unref(reinterpret_cast<uv_handle_t*>(&watch->handle));
    uv_->signals.push_back(std::move(watch));
}

void Loop::set_exception_handler(std::function<void(const std::string&)> handler) {
    exception_handler_ = std::move(handler);
}

void Loop::report(const std::string& message) {
    if (trace() != nullptr) record(EventType::Log, message, channel::engine);
    if (exception_handler_) {
        exception_handler_(message);
    } else {
        std::fprintf(stderr, "asynclab: %s\n", message.c_str());
    }
}

namespace {
std::uint32_t trace_id(const detail::TaskCore* task) noexcept {
    return static_cast<std::uint32_t>(task != nullptr ? task->id() : 0);
}
}  // namespace

void Loop::record(EventType type, std::string_view text, std::string_view name,
                  const detail::TaskCore* task) {
    if (options_.trace == nullptr) return;
    TraceEvent event;
    event.t = now();
    event.task = trace_id(task != nullptr ? task : current_);
    event.type = type;
    event.text = text;
    event.name = name;
    options_.trace->record(std::move(event));
}

void Loop::record_wait(const detail::WaitTarget& target) {
    if (options_.trace == nullptr) return;
    TraceEvent event;
    event.t = now();
    event.task = trace_id(current_);
    event.type = EventType::Suspended;
    event.wait = target.kind;
    event.name = target.name;
    if (target.task != nullptr) {
        const TaskInfo* awaited = options_.trace->task(target.task->id());
        event.name = awaited != nullptr ? std::string_view(awaited->name) : std::string_view();
    }
    options_.trace->record(std::move(event));
}

void Loop::record_counter(CounterKind kind, std::string_view name, std::int64_t value) {
    if (options_.trace == nullptr) return;
    options_.trace->record_counter(CounterSample{now(), kind, name, value});
}

void Loop::record_breaker(BreakerState from, BreakerState to, std::string_view name) {
    if (options_.trace == nullptr) return;
    TraceEvent event;
    event.t = now();
    event.task = trace_id(current_);
    event.type = EventType::BreakerChanged;
    event.from = from;
    event.to = to;
    event.name = name;
    options_.trace->record(std::move(event));
}

void Loop::task_created(detail::TaskCore& task, std::string_view name) {
    registry_.push_back(&task);
    ++live_tasks_;
    if (options_.trace != nullptr) {
        options_.trace->add_task(TaskInfo{.id = trace_id(&task),
                                          .parent = trace_id(current_),
                                          .name = name.empty() ? task.name() : std::string(name)});
        record(EventType::Created, {}, {}, &task);
    }
}

void Loop::add_timer(detail::TimerNode& node, Duration deadline) {
    timers_.push(&node, deadline);
}

void Loop::cancel_all() noexcept {
    std::vector<detail::CoreRef<detail::TaskCore>> pending;
    registry_.for_each([&](detail::RegistryLink& link) {
        auto& task = static_cast<detail::TaskCore&>(link);
        if (!task.done()) {
            task.add_ref();
            pending.emplace_back(&task);
        }
    });
    for (auto& task : pending) task->cancel();
}

void Loop::run_until_done(detail::TaskCore& main) {
    if (running_) throw RuntimeError("the loop is already running");
    running_ = true;
    RunningScope scope(*this);
    std::string stuck;
    while (!main.done()) {
        if (!turn()) {
            stuck = describe_stuck_tasks();
            break;
        }
    }
    shut_down_tasks();
    running_ = false;
    if (!stuck.empty()) throw Deadlock(stuck);
}

void Loop::shut_down_tasks() noexcept {
    // asyncio.run's ending: cancel what is left and let it clean up.
    cancel_all();
    while (live_tasks_ > 0 && turn()) {
    }
    if (live_tasks_ == 0) return;
    // Tasks that swallowed the cancellation and wait on what nothing will wake: destroy their
    // frames (each awaiter unlinks itself as it goes).
    std::vector<detail::CoreRef<detail::TaskCore>> stuck;
    registry_.for_each([&](detail::RegistryLink& link) {
        auto& task = static_cast<detail::TaskCore&>(link);
        if (!task.done()) {
            task.add_ref();
            stuck.emplace_back(&task);
        }
    });
    for (auto& task : stuck) {
        if (!task->done()) {
            report(fmt::format("task {} ignored cancellation and could never finish; destroyed",
                               task->name()));
            task->abandon();
        }
    }
}

std::string Loop::describe_stuck_tasks() {
    std::string out = "deadlock: no task can make progress";
    const char* sep = ": ";
    registry_.for_each([&](detail::RegistryLink& link) {
        auto& task = static_cast<detail::TaskCore&>(link);
        if (task.done()) return;
        out += sep;
        out += task.name();
        out += " waits on ";
        out += task.waiting_on != nullptr ? task.waiting_on->what() : std::string("nothing");
        sep = "; ";
    });
    return out;
}

bool Loop::turn() {
    check_interrupt();
    if (ready_.empty()) {
        if (!wait_for_work()) return false;
    } else {
        poll_if_due();
    }
    fire_due_timers();
    run_ready();
    if (!pool_state_->unsubmitted.empty()) submit_pool_jobs();
    return true;
}

bool Loop::wait_for_work() {
    if (pool_in_flight_ == 0 && timers_.empty()) return false;
    if (options_.clock == ClockMode::Virtual && pool_in_flight_ == 0) {
        // An interrupt during the pacing has cancelled tasks: they run before any timer.
        if (options_.paced && !pace_until(timers_.top_deadline())) return true;
        virtual_now_ = std::max(virtual_now_, timers_.top_deadline());
        poll_if_due();
        return true;
    }
    std::optional<double> real_ms;  // how long to wait at most; none: until libuv has something
    if (options_.clock == ClockMode::Real && !timers_.empty()) {
        const auto remaining = static_cast<double>((timers_.top_deadline() - now()).count());
        real_ms = std::max(0.0, remaining / options_.speed / 1e6);
    }
    // A signal handler that sets the interrupt flag cannot wake libuv's poll (it resumes after
    // EINTR): look again at least this often.
    if (interrupt_flag_ != nullptr) {
        real_ms =
            std::min(real_ms.value_or(interrupt_check_ms), static_cast<double>(interrupt_check_ms));
    }
    const bool timed = real_ms.has_value();
    if (timed) {
        uv_update_time(&uv_->loop);
        uv_timer_start(
            &uv_->wake, [](uv_timer_t*) {}, static_cast<std::uint64_t>(std::ceil(*real_ms)), 0);
    }
    uv_run(&uv_->loop, UV_RUN_ONCE);
    if (timed) uv_timer_stop(&uv_->wake);
    last_poll_ns_ = coarse_now_ns();
    return true;
}

bool Loop::pace_until(Duration deadline) {
    const auto wall_ns = static_cast<double>(real_start_ns_) +
                         static_cast<double>(deadline.count()) / options_.speed;
    for (;;) {
        if (interrupted_) return true;  // cleanup after Ctrl-C is not played in real time
        check_interrupt();
        if (interrupted_) return false;
        const double remaining_ms = (wall_ns - static_cast<double>(uv_hrtime())) / 1e6;
        if (remaining_ms <= 0.0) return true;
        // Signals and an interrupt flag are looked at at least every interrupt_check_ms.
        const double wait_ms = std::min(remaining_ms, static_cast<double>(interrupt_check_ms));
        uv_update_time(&uv_->loop);
        uv_timer_start(
            &uv_->wake, [](uv_timer_t*) {}, static_cast<std::uint64_t>(std::ceil(wait_ms)), 0);
        uv_run(&uv_->loop, UV_RUN_ONCE);
        uv_timer_stop(&uv_->wake);
        last_poll_ns_ = coarse_now_ns();
    }
}

void Loop::poll_if_due() {
    bool due = pool_finished_.count.load(std::memory_order_acquire) != pool_acknowledged_;
    if (!due && !uv_->signals.empty()) {
        due = coarse_now_ns() - last_poll_ns_ >= signal_poll_interval_ns;
    }
    if (!due) return;
    last_poll_ns_ = coarse_now_ns();
    uv_run(&uv_->loop, UV_RUN_NOWAIT);
}

void Loop::fire_due_timers() {
    if (timers_.empty()) return;
    const Duration t = now();
    while (!timers_.empty() && timers_.top_deadline() <= t) ready_.push_back(timers_.pop());
}

void Loop::run_ready() {
    ready_.push_back(&turn_marker_);
    for (detail::ReadyNode* node = ready_.pop_front(); node != &turn_marker_;
         node = ready_.pop_front()) {
        node->fire(*node);
        check_interrupt();  // a task that blocked the thread may have let a signal in
    }
}

}  // namespace asynclab

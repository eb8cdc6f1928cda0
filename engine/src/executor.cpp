// The thread-pool bridge's moving parts: submitting jobs to libuv's pool or to the loop's
// simulated pool, bringing them back to the loop thread, cancelling them, the pool's process-wide
// size, and block_loop.

#include "asynclab/executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <thread>

#include "loop_internals.hpp"
#include "uv_state.hpp"

namespace asynclab {

namespace {

using detail::PoolJob;

static_assert(sizeof(uv_work_t) <= detail::uv_work_bytes &&
              alignof(uv_work_t) <= alignof(std::max_align_t));

// --- the process-wide pool --------------------------------------------------------------------

constexpr unsigned max_pool_threads = 1024;  // libuv's MAX_THREADPOOL_SIZE

struct PoolSize {
    std::mutex mutex;
    unsigned started = 0;  // the size libuv's pool started with; 0 while it has not
};

PoolSize& pool_size() {
    static PoolSize size;
    return size;
}

/// What libuv makes of UV_THREADPOOL_SIZE when its pool starts (threadpool.c, init_threads).
unsigned size_from_environment() {
    const char* value = std::getenv("UV_THREADPOOL_SIZE");
    if (value == nullptr) return 4;
    const auto n = static_cast<unsigned>(std::atoi(value));
    return n == 0 ? 1 : std::min(n, max_pool_threads);
}

/// Before the first job reaches libuv, which then reads the environment: from here on the size is
/// fixed.
void note_pool_start() {
    static std::once_flag once;
    std::call_once(once, [] {
        PoolSize& size = pool_size();
        std::lock_guard lock(size.mutex);
        size.started = size_from_environment();
    });
}

Duration scaled(Duration d, double speed) {
    return Duration{std::llround(static_cast<double>(d.count()) / speed)};
}

// --- both pools -------------------------------------------------------------------------------

/// Logs on the "pool" channel, at loop time `t` (default: now). Nothing, not even a clock reading,
/// without a trace.
void log(const PoolJob& job, std::string_view what, std::optional<Duration> t = std::nullopt) {
    if (Trace* trace = job.loop->trace()) {
        const std::string text = fmt::format("job {} {}", job.number, what);
        TraceEvent event;
        event.t = t ? *t : job.loop->now();
        event.task = static_cast<std::uint32_t>(job.task);
        event.type = EventType::Log;
        event.text = text;
        event.name = channel::pool;
        trace->record(std::move(event));
    }
}

/// A thread took the job: logged, and the task still awaiting it now waits on a running job.
void log_started(const PoolJob& job, std::optional<Duration> t = std::nullopt) {
    log(job, "started on a pool thread", t);
    Trace* trace = job.loop->trace();
    if (trace == nullptr || job.waiter == nullptr) return;
    TraceEvent event;
    event.t = t ? *t : job.loop->now();
    event.task = static_cast<std::uint32_t>(job.task);
    event.type = EventType::Suspended;
    event.wait = WaitKind::PoolRunning;
    event.name = channel::pool;
    trace->record(std::move(event));
}

/// On the loop thread, when the job's work is over: its task resumes with the outcome, or nobody
/// wants it any more and it goes.
void job_over(PoolJob& job) {
    job.stage = PoolJob::Stage::Done;
    if (detail::ExecutorWait* waiter = std::exchange(job.waiter, nullptr)) {
        log(job, "done");
        waiter->job_done();
    } else {
        log(job, "done, result discarded");
        delete &job;
    }
}

// --- libuv's pool -----------------------------------------------------------------------------

uv_work_t* request(PoolJob& job) {
    return std::launder(reinterpret_cast<uv_work_t*>(job.uv_request));
}

void work_on_pool_thread(uv_work_t* req) {
    auto& job = *static_cast<PoolJob*>(req->data);
    if (job.traced) job.started_ns = uv_hrtime();
    if (job.thread_sleep > Duration::zero()) std::this_thread::sleep_for(job.thread_sleep);
    job.run();
    detail::LoopInternals::pool_job_finished_off_thread(*job.loop);
}

void after_work(uv_work_t* req, int status) {
    auto& job = *static_cast<PoolJob*>(req->data);
    Loop& loop = *job.loop;
    detail::LoopInternals::pool_job_delivered(loop);
    if (status == UV_ECANCELED) {
        // Removed from the queue by uv_cancel: it never ran, and its task was told at the time.
        delete &job;
        return;
    }
    detail::LoopInternals::pool_job_acknowledged(loop);
    if (job.traced) log_started(job, loop.time_at(job.started_ns));
    job_over(job);
}

void submit_to_pool(Loop& loop, PoolJob& job) {
    if (job.declared) job.thread_sleep = scaled(*job.declared, loop.speed());
    note_pool_start();
    uv_work_t* req = new (job.uv_request) uv_work_t{};
    req->data = &job;
    job.stage = PoolJob::Stage::Running;
    detail::LoopInternals::pool_job_started(loop);
    // Fails only without a work callback.
    uv_queue_work(&detail::LoopInternals::uv(loop).loop, req, &work_on_pool_thread, &after_work);
}

// --- the simulated pool -----------------------------------------------------------------------

/// Threads free and jobs waiting: each job starts, to end its declared duration later.
void start_simulated_jobs(Loop& loop) {
    detail::PoolState& pool = detail::LoopInternals::pool_state(loop);
    while (pool.busy < loop.pool_size() && !pool.waiting.empty()) {
        auto& job = static_cast<PoolJob&>(*pool.waiting.pop_front());
        ++pool.busy;
        job.stage = PoolJob::Stage::Running;
        log_started(job);
        detail::LoopInternals::add_timer(loop, job, loop.now() + *job.declared);
    }
}

/// The timer of a simulated job: its thread is done blocking, fn runs, the thread takes the next.
void on_simulated_end(detail::ReadyNode& node) noexcept {
    auto& job = static_cast<PoolJob&>(static_cast<detail::TimerNode&>(node));
    Loop& loop = *job.loop;
    job.run();
    --detail::LoopInternals::pool_state(loop).busy;
    job_over(job);
    start_simulated_jobs(loop);
}

}  // namespace

bool configure_thread_pool(unsigned threads) {
    if (threads < 1 || threads > max_pool_threads) {
        throw ValueError(fmt::format("thread pool size must be between 1 and {}, not {}",
                                     max_pool_threads, threads));
    }
    PoolSize& size = pool_size();
    std::lock_guard lock(size.mutex);
    if (size.started != 0) return size.started == threads;
    setenv("UV_THREADPOOL_SIZE", std::to_string(threads).c_str(), 1);
    return true;
}

unsigned thread_pool_size() {
    PoolSize& size = pool_size();
    std::lock_guard lock(size.mutex);
    return size.started != 0 ? size.started : size_from_environment();
}

void block_loop(Duration d) {
    Loop& loop = Loop::current();
    if (d <= Duration::zero()) return;
    // Jobs awaited earlier in this turn go to the pool first, so they run while the loop is held
    // — as they would in asyncio, where run_in_executor submits at once.
    if (!detail::LoopInternals::pool_state(loop).unsubmitted.empty())
        detail::LoopInternals::submit_pool_jobs(loop);
    if (loop.clock() == ClockMode::Virtual) {
        // Paced (run's real clock): the loop thread is really held, as the learner should feel;
        // the virtual clock then moves by exactly d, so the story stays the virtual one.
        if (detail::LoopInternals::paced(loop))
            std::this_thread::sleep_for(scaled(d, loop.speed()));
        detail::LoopInternals::advance_virtual(loop, d);
    } else {
        std::this_thread::sleep_for(scaled(d, loop.speed()));
    }
}

void Loop::submit_pool_jobs() {
    while (detail::TimerNode* node = pool_state_->unsubmitted.pop_front()) {
        submit_to_pool(*this, static_cast<detail::PoolJob&>(*node));
    }
}

namespace detail {

PoolState::~PoolState() {
    // Simulated jobs still running for cancelled tasks when their loop goes: their end never comes.
    orphans.for_each([](PoolOrphanLink& link) { delete &static_cast<PoolJob&>(link); });
}

PoolJob::PoolJob(std::optional<Duration> declared_duration) noexcept
    : TimerNode(&on_simulated_end), declared(declared_duration) {
}

PoolJob::~PoolJob() {
    if (PoolOrphanLink::linked()) PoolOrphanLink::unlink();
    if (in_heap()) {
        detail::LoopInternals::remove_timer(*loop, *this);
    } else if (TimerNode::linked()) {
        TimerNode::unlink();
    }
}

void ExecutorWait::await_suspend(std::coroutine_handle<> h) {
    if (!begin(h)) return;
    Loop& loop = *task_->loop();
    PoolJob& job = *job_;
    job.loop = &loop;
    job.waiter = this;
    job.task = task_->id();
    job.number = detail::LoopInternals::pool_state(loop).next_job++;
    job.traced = loop.trace() != nullptr;
    log(job, "queued");
    job.stage = PoolJob::Stage::Queued;
    if (job.declared && loop.clock() == ClockMode::Virtual) {
        job.simulated = true;
        detail::LoopInternals::pool_state(loop).waiting.push_back(&job);
        start_simulated_jobs(loop);
    } else {
        detail::LoopInternals::pool_state(loop).unsubmitted.push_back(
            &job);  // to libuv at the end of this turn
    }
}

void ExecutorWait::detach() noexcept {
    if (!job_ || job_->waiter != this) return;  // never submitted, or already over
    PoolJob& job = *job_;
    job.waiter = nullptr;
    if (job.stage == PoolJob::Stage::Queued) {
        // Not yet with libuv, or waiting for a simulated thread: it leaves the queue; this
        // awaiter frees it.
        job.TimerNode::unlink();
        job.stage = PoolJob::Stage::Idle;
        log(job, "cancelled before it started: removed from the queue");
        return;
    }
    if (job.simulated) {
        detail::LoopInternals::pool_state(*job.loop).orphans.push_back(&job);
    } else if (uv_cancel(reinterpret_cast<uv_req_t*>(request(job))) == 0) {
        log(job, "cancelled before it started: removed from the queue");
        static_cast<void>(job_.release());  // after_work frees it
        return;
    }
    log(job, "cannot be interrupted: it runs to its end, its result discarded");
    static_cast<void>(job_.release());  // the pool frees it when its thread is done
}

PoolJob& ExecutorWait::finished_job() {
    if (!job_ || job_->stage != PoolJob::Stage::Done) throw Cancelled{};
    return *job_;
}

}  // namespace detail

}  // namespace asynclab

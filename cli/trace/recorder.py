"""asynclab's recorder: runs a learner's asyncio program and reports what every task did.

asynclab starts `python3 -c BOOTSTRAP` with this file's text on fd 4 and a pipe on fd 3; the
bootstrap execs it as the module `asynclab_recorder` and calls main(). Everything the recorder
learns goes to fd 3 as JSON lines, one typed event per line (a list whose first item is its kind;
cli/trace/protocol.md), so the program's own stdout and stderr stay its own and asynclab never reads
text something else formatted.

How it records, on Python 3.9 to 3.13, with asyncio's own loop and tasks:
- An event loop policy gives asyncio.run (and new_event_loop) a RecordingLoop: asyncio's
  SelectorEventLoop with a task factory. The factory wraps each task's coroutine in a _Traced
  object, so every step of every task (the Task calling send/throw) passes through it: the step's
  start, its end, and what it yielded, which is what the task now waits on.
- What a task waits on is read from the await chain (cr_await) at the moment it suspends: the
  innermost frame that is one of asyncio's primitives (Queue.get, Lock.acquire, sleep, wait_for...)
  names the wait; a Task or a gather's future yielded directly says so by its type.
- `--clock virtual`: the loop's selector never sleeps; asked to wait for the next timer it moves the
  clock to it (as tests/twins/virtual_asyncio.py does). Timers due at one instant fire in the order
  they were set. time.sleep on the loop moves the clock too, so a blocking call shows as a step
  that held the loop for that long.
- A hang: the selector is asked to wait with no timer, no file descriptor of the program's, no job
  on a pool thread and no other thread that could wake it. Nothing can ever run again, so the
  recorder reports each stuck task, what it waits on and who could have released it, and ends.
"""

import asyncio
import collections.abc
import gc
import json
import os
import runpy
import selectors
import sys
import threading
import time
import traceback
import warnings
from asyncio import events

SLOW_STEP_NS = 100_000_000  # a step holding the loop longer than this is named

_real_sleep = time.sleep
_monotonic_ns = time.monotonic_ns
_perf_ns = time.perf_counter_ns
_stdlib_dir = os.path.dirname(os.__file__)


_NOT_LEARNERS = {}  # file name -> whether it is the library's or the recorder's


def _learner_site(frame):
    """(file, line) of the innermost frame of the learner's code at or above `frame`."""
    while frame is not None:
        name = frame.f_code.co_filename
        theirs = _NOT_LEARNERS.get(name)
        if theirs is None:  # each task a loop makes asks again, of the same few files
            theirs = _NOT_LEARNERS[name] = name.startswith(_stdlib_dir) or name.startswith("<")
        if not theirs:
            return name, frame.f_lineno
        frame = frame.f_back
    return "", 0


class Recorder:
    """The one record of a run: the clock, the task ids, and the pipe the events go out on."""

    def __init__(self, fd, clock):
        self.out = os.fdopen(fd, "w", encoding="utf-8", errors="replace", buffering=1 << 16)
        self.write = self.out.write
        self.virtual = clock == "virtual"
        self.now_ns = 0  # the virtual clock
        self.t0 = None
        self.next_id = 1
        self.created = []  # tasks created whose names are not final yet (not sent yet)
        self.current = 0  # the task whose step runs, 0 outside any
        self.loop_thread = None
        self.pool = {}  # id(executor) -> _PoolCount
        self.pool_lock = threading.Lock()
        self.step_blocked = False  # the step running made a known blocking call
        self.name_counts = {}
        # `asynclab check`: a run is several scenarios, each its own trace from time 0 and task 1,
        # where a hang or a run past the limit ends the scenario instead of the process.
        self.checking = False
        self.limit_ns = None
        self.findings = []  # the mistakes seen in this scenario, as their events

    def begin_scenario(self, scenario_id, limit_s):
        self.flush()
        self.out.write(json.dumps(["scenario", scenario_id]) + "\n")
        self.now_ns = 0
        self.t0 = None
        self.next_id = 1
        self.name_counts = {}
        self.findings = []
        self.limit_ns = int(limit_s * 1e9)

    # --- the clock ---
    def t(self):
        if self.virtual:
            return self.now_ns
        if self.t0 is None:  # before the first loop: the program's imports take no loop time
            return 0
        return _monotonic_ns() - self.t0

    # --- events ---
    def emit(self, event):
        if self.created:
            self._flush_created()
        if event[0] in _FINDINGS:
            self.findings.append(event)
        self.out.write(json.dumps(event, ensure_ascii=False) + "\n")

    def emit_now(self, event):
        self.emit(event)
        self.out.flush()

    def _flush_created(self):
        created, self.created = self.created, []
        write = self.write
        for task in created:
            traced = task.get_coro()
            traced._raw_name = raw = task.get_name()
            traced._shown = shown = self.unique(task, raw)
            # By hand, as json.dumps would write each item: thousands of tasks are made at once.
            file = _QUOTED.get(traced._file)
            if file is None:
                file = _QUOTED.setdefault(traced._file, _quote(traced._file))
            write(f'["task",{traced._made},{traced._tid},{traced._parent},{_quote(shown)},{file},'
                  f'{traced._line}]\n')

    def unique(self, task, name):
        """The task's lane name (`name` is its name): a name asyncio made up is its coroutine's,
        numbered from the second task of that coroutine on (fetch, fetch-2, fetch-3), so that
        lanes differ."""
        if not (name.startswith("Task-") and name[5:].isdigit()):
            return name
        base = getattr(task.get_coro(), "__qualname__", name)
        base = base.rsplit("<locals>.", 1)[-1]  # a coroutine defined inside a function: its name
        n = self.name_counts.get(base, 0) + 1
        self.name_counts[base] = n
        return base if n == 1 else f"{base}-{n}"

    def flush(self):
        if self.created:
            self._flush_created()
        self.out.flush()


REC = None  # the Recorder of this process
_quote = json.encoder.encode_basestring  # a str as json.dumps(ensure_ascii=False) writes it
_QUOTED = {}  # names (of waits, of files) as JSON text
_YIELDED = ("yield", "", None)  # the wait of a bare yield (sleep(0)), made once
_FINDINGS = frozenset(("block", "slow", "unawaited", "unretrieved"))


class ScenarioHang(BaseException):
    """`asynclab check`: nothing in the scenario could ever run again (the chain was reported)."""


class ScenarioTooLong(BaseException):
    """`asynclab check`: the scenario's clock passed its limit (a loop that never ends)."""


def _display_name(task):
    """The name of the task's lane (asyncio's default names, Task-3, say nothing)."""
    coro = task.get_coro()
    shown = getattr(coro, "_shown", None)
    if shown is None:
        REC.flush()
        shown = getattr(coro, "_shown", None)
    return shown if shown is not None else task.get_name()


def _result_json(value):
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return repr(value)


# --- what a suspended task waits on -----------------------------------------------------------

def _codes(owner, *names):
    return [getattr(owner, n).__code__ for n in names if hasattr(owner, n)]


# Keyed by id: hashing a code object costs more than the rest of a step. The codes are kept
# alive in _WAIT_CODES, so no other code object can take one of their ids.
_WAIT_CODES = []
_WAIT_BY_CODE = {}


def _names_wait(code, kind, name):
    _WAIT_CODES.append(code)
    _WAIT_BY_CODE[id(code)] = (kind, name)


for _code in _codes(asyncio.tasks, "sleep"):
    _names_wait(_code, "sleep", "")
for _cls, _kind in ((asyncio.Queue, None), (asyncio.Lock, "lock"), (asyncio.Semaphore, "semaphore"),
                    (asyncio.Event, "event"), (asyncio.Condition, "other")):
    if _kind is None:
        for _m, _k in (("get", "queue.get"), ("put", "queue.put"), ("join", "queue.join")):
            _names_wait(getattr(_cls, _m).__code__, _k, "queue")
    else:
        for _code in _codes(_cls, "acquire", "wait"):
            _names_wait(_code, _kind, _kind if _kind != "other" else "condition")
for _code in _codes(asyncio.tasks, "wait_for"):
    _names_wait(_code, "timeout", "wait_for")
for _code in _codes(asyncio.tasks, "_wait"):
    _names_wait(_code, "gather", "wait")
for _code in _codes(asyncio, "to_thread"):
    _names_wait(_code, "pool.running", "to_thread")

_Gathering = getattr(asyncio.tasks, "_GatheringFuture", ())
_POOL_FUTURES = {}  # id(future) -> [queued?, task id waiting] for run_in_executor's futures


def _frames(coro):
    """The frames of a suspended coroutine's await chain, outermost first."""
    frames = []
    c = coro
    while c is not None:
        frame = getattr(c, "cr_frame", None) or getattr(c, "gi_frame", None)
        if frame is None:
            break
        frames.append(frame)
        c = getattr(c, "cr_await", None) or getattr(c, "gi_yieldfrom", None)
    return frames


def _wait_of(coro, yielded):
    """(kind, name) of what a task that yielded `yielded` (not None) waits on."""
    if isinstance(yielded, asyncio.Task):
        return "task", _display_name(yielded)
    c = coro
    while c is not None:  # the outermost primitive names it: Queue.join waits on an Event inside
        frame = getattr(c, "cr_frame", None) or getattr(c, "gi_frame", None)
        if frame is None:
            break
        hit = _WAIT_BY_CODE.get(id(frame.f_code))
        if hit is not None:
            if hit[1] == "wait" and frame.f_locals.get("timeout") is not None:
                return "timeout", "wait"
            if hit[0] == "pool.running":
                queued = _POOL_FUTURES.get(id(yielded))
                return ("pool.queued" if queued and queued[0] else "pool.running"), hit[1]
            return hit
        c = getattr(c, "cr_await", None) or getattr(c, "gi_yieldfrom", None)
    if isinstance(yielded, _Gathering):
        return "gather", "gather"
    if id(yielded) in _POOL_FUTURES:
        queued = _POOL_FUTURES[id(yielded)][0]
        return ("pool.queued" if queued else "pool.running"), "run_in_executor"
    return "other", type(yielded).__name__.lower()


# --- each task's steps ----------------------------------------------------------------------------

class _Traced(collections.abc.Coroutine):
    """A task's coroutine, seen step by step: the Task calls send/throw, and so passes here."""

    # Each field that lives as long as the task is an attribute, not a tuple: objects that stay
    # alive count towards the collector's next full collection, which 10,000 tasks make costly.
    def __init__(self, coro, tid, site, parent):
        self._coro = coro
        # What asyncio's repr and the learner's code read of a coroutine.
        self.__name__ = getattr(coro, "__name__", "coroutine")
        self.__qualname__ = getattr(coro, "__qualname__", self.__name__)
        self._tid = tid
        self._tail = ",{}]\n".format(tid)  # how the task's start and resume events end
        # The same frame object at every step; dropped when the coroutine ends.
        self._frame = getattr(coro, "cr_frame", None)
        self._file, self._line = site  # where it was created
        self._parent = parent
        self._made = 0  # when it was created
        self._started = False
        self._raw_name = None
        self._wait = None  # (kind, name, object) while suspended
        self._shown = None  # the lane's name, once sent
        self._named = False  # its name checked after its first step

    @property
    def _site(self):
        return self._file, self._line

    @property
    def cr_frame(self):
        return getattr(self._coro, "cr_frame", None)

    @property
    def cr_await(self):
        return getattr(self._coro, "cr_await", None)

    @property
    def cr_running(self):
        return getattr(self._coro, "cr_running", False)

    @property
    def cr_code(self):
        return getattr(self._coro, "cr_code", None)

    def send(self, value):
        return self._step(value, None)

    def throw(self, *exc):
        return self._step(None, exc)

    def close(self):
        return self._coro.close()

    def __await__(self):
        return self._coro.__await__()

    def _step(self, value, exc):
        # The hot path of a traced run: events are formatted by hand (f-strings, the end of the
        # task's own events already text), the slow-step check inline, the frame kept.
        rec = REC
        virtual = rec.virtual
        begin = rec.now_ns if virtual else rec.t()
        if rec.created:
            rec._flush_created()
        write = rec.write
        tail = self._tail
        if self._started:
            write(f'["resume",{begin}{tail}')
        else:
            self._started = True
            write(f'["start",{begin}{tail}')
        frame = self._frame
        before = frame.f_lineno if frame is not None else 0
        self._wait = None
        outer = rec.current
        rec.current = self._tid
        rec.step_blocked = False
        real0 = _perf_ns()
        try:
            # Neither a bound method nor a tuple made per step: fewer objects for the collector.
            yielded = self._coro.send(value) if exc is None else self._coro.throw(*exc)
        except StopIteration as stop:
            rec.current = outer
            self._frame = None  # a finished coroutine's frame would keep its locals alive
            self._after(rec, begin, real0, frame, before)
            self._check_name(rec)
            value = stop.value
            if value is None:
                text = "null"
            elif type(value) is int:
                text = str(value)
            else:
                text = json.dumps(_result_json(value), ensure_ascii=False)
            rec.write(f'["done",{rec.now_ns if virtual else rec.t()},{self._tid},{text}]\n')
            raise
        except asyncio.CancelledError:
            rec.current = outer
            self._frame = None
            self._after(rec, begin, real0, frame, before)
            self._check_name(rec)
            rec.emit(["cancel", rec.t(), self._tid])
            raise
        except BaseException as e:
            rec.current = outer
            self._frame = None
            self._after(rec, begin, real0, frame, before)
            self._check_name(rec)
            rec.emit(["fail", rec.t(), self._tid, type(e).__name__, str(e)])
            raise
        rec.current = outer
        held = _perf_ns() - real0
        if virtual and rec.now_ns - begin > held:
            held = rec.now_ns - begin
        if held > SLOW_STEP_NS and not rec.step_blocked:
            self._slow(rec, begin, held, frame, before)
        if yielded is None:
            kind, quoted, wait = "yield", '""', _YIELDED
        else:
            kind, name = _wait_of(self._coro, yielded)
            if kind[0] == "p" and id(yielded) in _POOL_FUTURES:
                _POOL_FUTURES[id(yielded)][1] = self._tid
            quoted = _QUOTED.get(name)
            if quoted is None:
                quoted = _QUOTED.setdefault(name, _quote(name))
            wait = (kind, name, yielded)
        if not self._named:
            self._named = True
            self._check_name(rec)
        self._wait = wait
        if rec.created:
            rec._flush_created()
        rec.write(f'["wait",{rec.now_ns if virtual else rec.t()},{self._tid},"{kind}",{quoted}]\n')
        return yielded

    def _check_name(self, rec):
        """A task that names itself (current_task().set_name) does so in its first step, mostly:
        its name is compared there and when it ends, not at every step."""
        task = asyncio.current_task()
        if task is None:
            return
        raw = task.get_name()
        if raw != self._raw_name and self._raw_name is not None:
            self._raw_name = raw
            self._shown = rec.unique(task, raw)
            rec.emit(["rename", self._tid, self._shown])

    def _after(self, rec, begin, real0, frame, before):
        real = _perf_ns() - real0
        held = max(real, rec.t() - begin) if rec.virtual else real
        if held > SLOW_STEP_NS and not rec.step_blocked:
            self._slow(rec, begin, held, frame, before)

    def _slow(self, rec, begin, held, frame, before):
        file = frame.f_code.co_filename if frame is not None else ""
        now = getattr(self._coro, "cr_frame", None)
        after = _learner_site(now) if now is not None else (file, before)
        rec.emit(["slow", begin, self._tid, held, file, before, after[0], after[1]])


_LOOP_OWN = {}  # name -> code; looked up by name, as hashing a code object is slow
for _name in ("shutdown_asyncgens", "shutdown_default_executor"):
    if hasattr(asyncio.BaseEventLoop, _name):
        _LOOP_OWN[_name] = getattr(asyncio.BaseEventLoop, _name).__code__


def _task_factory(loop, coro, context=None):
    rec = REC
    code = getattr(coro, "cr_code", None)
    if code is not None and _LOOP_OWN.get(code.co_name) is code:  # asyncio.run's own tidying
        if context is None:
            return asyncio.Task(coro, loop=loop)
        return asyncio.Task(coro, loop=loop, context=context)
    tid = rec.next_id
    rec.next_id += 1
    parent = rec.current
    traced = _Traced(coro, tid, _learner_site(sys._getframe(1)), parent)
    if context is None:
        task = asyncio.Task(traced, loop=loop)
    else:
        task = asyncio.Task(traced, loop=loop, context=context)
    traced._made = rec.t()
    rec.created.append(task)
    return task


# --- the loop -------------------------------------------------------------------------------------

class _PoolCount:
    """One executor's jobs, for the virtual clock: it may move only when no thread is working."""

    def __init__(self, workers):
        self.workers = workers
        self.submitted = 0  # handed to the executor, result not yet back on the loop
        self.started = 0  # taken by a thread, result not yet back on the loop
        self.sleeping = 0  # in a (virtual) time.sleep

    def active(self):
        queued = self.submitted - self.started
        free = max(0, self.workers - self.started)
        return (self.started - self.sleeping) + min(queued, free)


class _Selector(selectors.DefaultSelector):
    def __init__(self, rec):
        super().__init__()
        self.rec = rec
        self.loop = None
        self.own_fds = 0  # the loop's self-pipe registers first

    def register(self, fileobj, events, data=None):
        if self.own_fds == 0:
            self.own_fds = 1
        elif self.rec.virtual:
            site = _learner_site(sys._getframe(1))
            _stop(self.rec, "realio", ["realio", "socket", site[0], site[1]])
        return super().register(fileobj, events, data)

    def select(self, timeout=None):
        rec = self.rec
        busy = _pool_busy(rec) or _joining_pool(self.loop)
        if timeout is None and not busy and len(self.get_map()) <= 1 \
                and threading.active_count() <= 1 + _pool_threads():
            _hang(self.loop)
        rec.flush()
        if not rec.virtual:
            return super().select(timeout)
        if timeout == 0:
            return super().select(0)
        if busy or timeout is None:  # a thread works: time stands still until it is done
            return super().select(None)
        if timeout > 0 and self.loop._scheduled:
            due = self.loop._scheduled[0]._ns
            if rec.limit_ns is not None and due > rec.limit_ns:
                raise ScenarioTooLong()
            rec.now_ns = max(rec.now_ns, due)
        return super().select(0)


def _pool_busy(rec):
    if not rec.pool:
        return False
    with rec.pool_lock:
        return any(c.active() > 0 for c in rec.pool.values())


def _joining_pool(loop):
    """asyncio.run's shutdown_default_executor joins the pool on a thread of its own, and from
    Python 3.13 waits for it under a 300 s timeout: a virtual clock must stand still until that
    thread is done, not jump to the timeout."""
    return getattr(loop, "_executor_shutdown_called", False) and \
        threading.active_count() > 1 + _pool_threads()


def _pool_threads():
    return sum(1 for t in threading.enumerate() if t.name.startswith(("asyncio_", "ThreadPoolExecutor")))


class _TimerHandle(events.TimerHandle):
    """A timer ordered by (deadline, order of setting): equal deadlines fire first set, first."""

    __slots__ = ("_seq", "_ns")

    def __lt__(self, other):
        return (self._when, self._seq) < (other._when, other._seq)

    def __le__(self, other):
        return (self._when, self._seq) <= (other._when, other._seq)

    def __gt__(self, other):
        return (self._when, self._seq) > (other._when, other._seq)

    def __ge__(self, other):
        return (self._when, self._seq) >= (other._when, other._seq)


class RecordingLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        rec = REC
        self._rec = rec
        selector = _Selector(rec)
        super().__init__(selector=selector)
        selector.loop = self
        self._timer_seq = 0
        if rec.virtual:
            self._clock_resolution = 1e-10
        self.set_task_factory(_task_factory)

    def time(self):
        if self._rec.virtual:
            return self._rec.now_ns / 1e9
        return super().time()

    def call_at(self, when, callback, *args, context=None):
        if not self._rec.virtual:
            return super().call_at(when, callback, *args, context=context)
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        ns = round(when * 1e9)
        timer = _TimerHandle(ns / 1e9, callback, args, self, context)
        timer._seq = self._timer_seq
        timer._ns = ns
        self._timer_seq += 1
        import heapq
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def call_later(self, delay, callback, *args, context=None):
        if not self._rec.virtual:
            return super().call_later(delay, callback, *args, context=context)
        if delay is None:
            raise TypeError("delay must not be None")
        return self.call_at((self._rec.now_ns + round(delay * 1e9)) / 1e9, callback, *args,
                            context=context)

    def run_in_executor(self, executor, func, *args):
        rec = self._rec
        if executor is None:
            executor = self._default_executor
            if executor is None:
                import concurrent.futures
                executor = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="asyncio")
                self._default_executor = executor
        workers = getattr(executor, "_max_workers", 1 << 30)
        with rec.pool_lock:
            count = rec.pool.setdefault(id(executor), _PoolCount(workers))
            queued = count.started >= workers
            count.submitted += 1
        loop = self
        entry = [queued, 0]

        def job(*a):
            with rec.pool_lock:
                count.started += 1
            if entry[0]:
                loop.call_soon_threadsafe(_pool_started, entry)
            _JOB.count = count
            _JOB.loop = loop
            try:
                return func(*a)
            finally:
                _JOB.count = None

        fut = super().run_in_executor(executor, job, *args)
        _POOL_FUTURES[id(fut)] = entry

        def finished(f):
            _POOL_FUTURES.pop(id(f), None)
            with rec.pool_lock:
                count.submitted -= 1
                count.started -= 1

        fut.add_done_callback(finished)
        return fut

    def call_exception_handler(self, context):
        task = context.get("future")
        exc = context.get("exception")
        coro = task.get_coro() if isinstance(task, asyncio.Task) else None
        if isinstance(coro, _Traced) and exc is not None and task.done() \
                and context.get("message", "").startswith("Task exception was never retrieved"):
            site = coro._site
            self._rec.emit(["unretrieved", coro._tid, type(exc).__name__, str(exc), site[0],
                            site[1]])
            return
        super().call_exception_handler(context)


def _pool_started(entry):
    entry[0] = False
    tid = entry[1]
    if tid:
        REC.emit(["wait", REC.t(), tid, "pool.running", "run_in_executor"])


_JOB = threading.local()


class RecordingPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        loop = RecordingLoop()
        REC.loop_thread = threading.get_ident()
        if REC.t0 is None:
            REC.t0 = _monotonic_ns()
        _patch_blocking_calls()
        return loop


# --- blocking calls -------------------------------------------------------------------------------

def _blocking_sleep(seconds):
    rec = REC
    if threading.get_ident() == rec.loop_thread and rec.current:
        site = _learner_site(sys._getframe(1))
        begin = rec.t()
        if rec.virtual:
            rec.now_ns += max(0, round(seconds * 1e9))
        else:
            _real_sleep(seconds)
        rec.step_blocked = True
        rec.emit(["block", begin, rec.current, "time.sleep", rec.t() - begin, site[0], site[1]])
        return
    count = getattr(_JOB, "count", None)
    if rec.virtual and count is not None and seconds > 0:
        # A pool thread's sleep takes virtual time: a timer on the loop wakes it.
        woken = threading.Event()
        loop = _JOB.loop

        def schedule():
            with rec.pool_lock:
                count.sleeping += 1

            def wake():
                with rec.pool_lock:
                    count.sleeping -= 1
                woken.set()

            loop.call_later(seconds, wake)

        loop.call_soon_threadsafe(schedule)
        woken.wait()
        return
    _real_sleep(seconds)


def _blocking_wrapper(call, fn):
    def wrapper(*args, **kwargs):
        rec = REC
        if threading.get_ident() != rec.loop_thread or not rec.current:
            return fn(*args, **kwargs)
        site = _learner_site(sys._getframe(1))
        if rec.virtual:
            _stop(rec, "realio", ["realio", call, site[0], site[1]])
        begin = rec.t()
        rec.step_blocked = True
        try:
            return fn(*args, **kwargs)
        finally:
            rec.emit(["block", begin, rec.current, call, rec.t() - begin, site[0], site[1]])
    wrapper._asynclab = True
    return wrapper


def _patch_clock(rec):
    """Under the virtual clock, the program's own clocks read it too: a breaker timed with
    time.monotonic() sees its cooldown pass as asyncio's timers do. (The recorder keeps the real
    ones, taken at import.) Patched before the program runs, so `from time import monotonic`
    gets the virtual one as well."""
    wall0 = time.time_ns()
    time.monotonic = time.perf_counter = lambda: rec.now_ns / 1e9
    time.monotonic_ns = time.perf_counter_ns = lambda: rec.now_ns
    time.time = lambda: (wall0 + rec.now_ns) / 1e9
    time.time_ns = lambda: wall0 + rec.now_ns


def _patch_blocking_calls():
    time.sleep = _blocking_sleep
    targets = [("requests.api", "requests", ("get", "post", "put", "delete", "head", "patch",
                                             "request")),
               ("urllib.request", "urllib.request", ("urlopen",))]
    for module_name, shown, names in targets:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        for name in names:
            fn = getattr(module, name, None)
            if fn is None or getattr(fn, "_asynclab", False):
                continue
            setattr(module, name, _blocking_wrapper("{}.{}".format(shown.split(".")[0] if shown == "requests" else shown, name), fn))
            if module_name == "requests.api":
                top = sys.modules.get("requests")
                if top is not None and getattr(top, name, None) is fn:
                    setattr(top, name, getattr(module, name))


# --- the program's output -------------------------------------------------------------------------

class _Output:
    """Stands in for sys.stdout: each printed line becomes an "out" event with its task and time."""

    def __init__(self, rec, real):
        self.rec = rec
        self.real = real
        self.pending = ""
        self.encoding = "utf-8"

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            self._line(line)
        return len(text)

    def _line(self, line):
        rec = self.rec
        task = rec.current if threading.get_ident() == rec.loop_thread else 0
        rec.emit(["out", rec.t(), task, line])
        if not rec.virtual:
            rec.flush()

    def flush(self):
        pass

    def finish(self):
        if self.pending:
            self._line(self.pending)
            self.pending = ""

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        return self.real.fileno()


# --- never awaited --------------------------------------------------------------------------------

def _unawaited(coro):
    origin = getattr(coro, "cr_origin", None)
    file, line = ("", 0)
    if origin:
        for f, n, _ in origin:
            if not (f.startswith(_stdlib_dir) or f.startswith("<")):
                file, line = f, n
                break
    REC.emit(["unawaited", getattr(coro, "__qualname__", "coroutine"), file, line])


# --- running a program ----------------------------------------------------------------------------

def _install(modules):
    """The modules, made importable in the order given; the first one."""
    import types
    first = None
    for name, text in modules.items():
        name = name.decode() if isinstance(name, bytes) else name
        module = types.ModuleType(name)
        sys.modules[name] = module
        exec(compile(text, "<asynclab {}>".format(name), "exec"), module.__dict__)
        first = first or module
    return first


def _print_traceback(exc):
    """The program's traceback as Python prints it, without the recorder's or runpy's frames."""
    te = traceback.TracebackException.from_exception(exc)
    for t in _chain(te):
        t.stack = traceback.StackSummary.from_list(
            [f for f in t.stack if not f.filename.startswith(("<asynclab", "<frozen importlib")) and not f.filename.endswith(
                "runpy.py") and f.filename != "<frozen runpy>"])
    sys.stderr.write("".join(te.format()))
    sys.stderr.flush()


def _chain(te):
    seen = []
    while te is not None and te not in seen:
        seen.append(te)
        te = te.__cause__ or (te.__context__ if not te.__suppress_context__ else None)
    return seen


def main(modules=None):
    """Runs the program; with `modules` (name -> source, from `asynclab check`), runs the
    exercise's checks on it instead: the first module is the kit, whose main() gets the path."""
    global REC
    fd = int(os.environ.pop("ASYNCLAB_TRACE_FD", "3"))
    clock = os.environ.pop("ASYNCLAB_TRACE_CLOCK", "real")
    REC = rec = Recorder(fd, clock)
    rec.emit_now(["hello", list(sys.version_info[:3]), clock])
    if sys.version_info < (3, 9):
        sys.exit(3)
    program = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(program))
    asyncio.set_event_loop_policy(RecordingPolicy())
    if rec.virtual:
        _patch_clock(rec)
    sys.set_coroutine_origin_tracking_depth(1)
    warnings._warn_unawaited_coroutine = _unawaited
    _patch_primitives()
    real_stdout = sys.stdout
    out = sys.stdout = _Output(rec, real_stdout)
    status, code = "ok", 0
    try:
        if modules:
            kit = _install(modules)
            kit.main(program)
        else:
            runpy.run_path(program, run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if e.code is not None and not isinstance(e.code, int):
            sys.stderr.write(str(e.code) + "\n")
        status = "exit"
    except BaseException as e:  # the program's own failure: its traceback, as Python shows it
        status, code = "exception", 1
        try:
            out.finish()
        finally:
            _print_traceback(e)
        rec.emit(["error", type(e).__name__, str(e)])
    out.finish()
    sys.stdout = real_stdout
    gc.collect()  # tasks and coroutines dropped but not yet freed report themselves now
    rec.emit(["end", rec.t(), status, code])
    rec.flush()
    os._exit(code)


def _stop(rec, status, event):
    """Ends the run at once, from inside the loop: nothing could run again (or may not run)."""
    out = sys.stdout
    if isinstance(out, _Output):
        out.finish()
    rec.emit(event)
    rec.emit(["end", rec.t(), status, 1])
    rec.flush()
    os._exit(1)


def _hang(loop):
    """The wait-for chain: every task still waiting, on what, and who could release it."""
    rec = REC
    out = sys.stdout
    if isinstance(out, _Output):
        out.finish()
    stuck = []
    for task in asyncio.all_tasks(loop):
        coro = task.get_coro()
        if not isinstance(coro, _Traced) or coro._wait is None:
            continue
        kind, name, obj = coro._wait
        frames = _frames(coro._coro)
        site = coro._site
        for frame in frames:  # outermost first: the last of the learner's is where it waits
            name_ = frame.f_code.co_filename
            if not (name_.startswith(_stdlib_dir) or name_.startswith("<")):
                site = (name_, frame.f_lineno)
        releasers, count = _releasers(kind, obj, frames)
        stuck.append((coro._tid, kind, name, site, releasers, count))
    for tid, kind, name, site, releasers, count in sorted(stuck):
        rec.emit(["stuck", tid, kind, name, site[0], site[1], releasers, count])
    if rec.checking:
        rec.emit(["hang", rec.t()])
        raise ScenarioHang()
    _stop(rec, "hang", ["hang", rec.t()])


def _tid_of(task):
    coro = task.get_coro()
    return coro._tid if isinstance(coro, _Traced) else 0


def _releasers(kind, obj, frames):
    """Task ids that could have released the wait, and a count (items not done, tasks pending)."""
    if kind == "task" and isinstance(obj, asyncio.Task):
        return [_tid_of(obj)], 0
    if isinstance(obj, _Gathering):
        pending = [_tid_of(c) for c in getattr(obj, "_children", []) if not c.done()]
        return pending, len(pending)
    prim = None
    for frame in frames:  # the outermost primitive, as _wait_of reads it
        if id(frame.f_code) in _WAIT_BY_CODE:
            prim = frame.f_locals.get("self")
            if prim is not None:
                break
    if kind == "gather" or kind == "timeout":
        fs = None
        for frame in reversed(frames):
            fs = frame.f_locals.get("fs")
            if fs is not None:
                break
        pending = [_tid_of(f) for f in (fs or ()) if isinstance(f, asyncio.Task) and not f.done()]
        return pending, len(pending)
    if kind == "queue.join" and isinstance(prim, asyncio.Queue):
        return sorted(getattr(prim, "_asynclab_getters", ())), prim._unfinished_tasks
    if kind == "queue.get" and isinstance(prim, asyncio.Queue):
        return sorted(getattr(prim, "_asynclab_putters", ())), 0
    if kind == "queue.put" and isinstance(prim, asyncio.Queue):
        return sorted(getattr(prim, "_asynclab_getters", ())), prim.qsize()
    if kind == "lock" and isinstance(prim, asyncio.Lock):
        owner = getattr(prim, "_asynclab_owner", 0)
        return ([owner] if owner else []), 0
    if kind == "semaphore" and isinstance(prim, asyncio.Semaphore):
        return sorted(set(getattr(prim, "_asynclab_holders", ()))), 0
    return [], 0


def _patch_primitives():
    """Who holds a lock or a semaphore, who put into and took from a queue: for the hang report."""
    lock_acquire, lock_release = asyncio.Lock.acquire, asyncio.Lock.release

    async def acquire_lock(self):
        result = await lock_acquire(self)
        self._asynclab_owner = REC.current
        return result

    def release_lock(self):
        lock_release(self)
        self._asynclab_owner = 0

    sem_acquire, sem_release = asyncio.Semaphore.acquire, asyncio.Semaphore.release

    async def acquire_sem(self):
        result = await sem_acquire(self)
        self.__dict__.setdefault("_asynclab_holders", []).append(REC.current)
        return result

    def release_sem(self):
        sem_release(self)
        holders = self.__dict__.get("_asynclab_holders")
        if holders:
            holders.remove(REC.current) if REC.current in holders else holders.pop(0)

    get_nowait, put_nowait = asyncio.Queue.get_nowait, asyncio.Queue.put_nowait

    def get(self):
        item = get_nowait(self)
        if REC.current:
            self.__dict__.setdefault("_asynclab_getters", set()).add(REC.current)
        return item

    def put(self, item):
        put_nowait(self, item)
        if REC.current:
            self.__dict__.setdefault("_asynclab_putters", set()).add(REC.current)

    asyncio.Lock.acquire, asyncio.Lock.release = acquire_lock, release_lock
    asyncio.Semaphore.acquire, asyncio.Semaphore.release = acquire_sem, release_sem
    asyncio.Queue.get_nowait, asyncio.Queue.put_nowait = get, put

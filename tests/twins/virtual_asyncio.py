"""A twin on a virtual clock: what `asynclab run N --clock virtual --json` says, told by asyncio.

lessons/python/NN_slug.py are the lessons' demos as ordinary asyncio programs (the twins). This
module runs one the way `asynclab run N --clock virtual` runs the C++ lesson, so that the two can
be compared event for event (twin_test.py does):

- The loop is asyncio's own SelectorEventLoop, unchanged except for its clock. Its selector never
  blocks: asked to wait `timeout` seconds for I/O, it moves the clock on by `timeout` instead, which
  is exactly the time of the next timer. Every other part of the loop (the FIFO ready queue, a turn
  running exactly the callbacks that were ready when it began, timers joining the back of the
  ready queue, futures waking their tasks with call_soon) is asyncio's code, untouched.
- Times are exact: the clock is a Fraction of seconds, and every delay is rounded to a whole
  nanosecond as the engine's secs() does, so 0.02 + 0.02 is exactly 0.04 and two timers set for the
  same instant are due at exactly the same instant. So that the twin's own arithmetic is exact too,
  its float knobs and its float constants (UPPER_CASE module names) become such Fractions, and a
  Fraction formats as the float it stands for (f"{t:.3f}" works on Python 3.11).
- Timers due at the same instant fire in the order they were set. asyncio compares timer handles by
  their deadline only and keeps them in a heap, which leaves the order of equal deadlines
  unspecified — and with four or more equal deadlines its heap does reorder them. On a real clock
  the question never arises: each deadline is loop.time() + delay, time only moves forward, so of
  two sleeps of the same length the one begun first ends first. FIFO is that order, and the one
  the engine documents; the harness keeps it with a sequence number as the tie-break.
- Blocking: time.sleep(d) called on the loop thread moves the clock on by d (the engine's
  block_loop). loop.run_in_executor(pool, time.sleep, d) is modelled as the engine models
  run_blocking on the virtual clock: the pool's max_workers threads, a FIFO queue, each job ending
  d after a thread takes it.
- random.Random(seed) in the twin is the engine's generator (std::mt19937_64, and the engine's
  integer(), unit() and next() as randint(), random() and getrandbits(64)), so the same seed
  draws the same numbers on both sides, and random.Random(rng.getrandbits(64)) seeds a generator
  of its own as the engine's Random(random.next()) does.
- print() inside a demo is captured: each line becomes {"t_ns", "task", "text"}, with the loop's
  time and the name of the task that printed it — the C++ trace's "output" events. Every task
  created is recorded: its name, how it ended, when it first ran and when it ended.

    python3 virtual_asyncio.py lessons/python/03_queue.py [--demo ID] [knob flags]

prints one JSON document: {"demos": [{"id", "duration_ns", "tasks", "output", "metrics"}]}.
"""

import asyncio
import collections
import heapq
import importlib.util
import io
import json
import selectors
import sys
import weakref
import time
import types
from asyncio import events
from fractions import Fraction

if sys.version_info < (3, 11):
    sys.exit("the twin harness needs Python 3.11 or later (asyncio.Runner)")

NS_PER_S = 10**9


def exact(seconds):
    """Seconds as an exact Fraction, rounded to the nanosecond like the engine's secs()."""
    if isinstance(seconds, Fraction):
        return seconds
    return Fraction(round(seconds * NS_PER_S), NS_PER_S)


class Deadlock(RuntimeError):
    """Every task waits and no timer is set: the loop could never wake up again."""


class _VirtualSelector(selectors.SelectSelector):
    """A selector that waits by moving the virtual clock on instead of sleeping."""

    def __init__(self):
        super().__init__()
        self.now = Fraction(0)

    def select(self, timeout=None):
        if timeout is None:
            raise Deadlock("deadlock: every task waits and no timer is set")
        if timeout > 0:
            self.now += exact(timeout)
        return []


class _FifoTimerHandle(events.TimerHandle):
    """A timer handle ordered by (deadline, order of setting): equal deadlines fire FIFO."""

    __slots__ = ("_seq",)

    def __init__(self, seq, when, callback, args, loop, context):
        super().__init__(when, callback, args, loop, context)
        self._seq = seq

    def __lt__(self, other):
        return (self._when, self._seq) < (other._when, other._seq)

    def __le__(self, other):
        return (self._when, self._seq) <= (other._when, other._seq)

    def __gt__(self, other):
        return (self._when, self._seq) > (other._when, other._seq)

    def __ge__(self, other):
        return (self._when, self._seq) >= (other._when, other._seq)


class VirtualLoop(asyncio.SelectorEventLoop):
    """asyncio's selector loop whose time() is the virtual clock."""

    def __init__(self):
        self._virtual = _VirtualSelector()
        super().__init__(selector=self._virtual)
        # _run_once fires the timers whose deadline is before time() + resolution: with exact
        # times, one nanosecond means "due now or earlier".
        self._clock_resolution = Fraction(1, NS_PER_S)
        self._timer_seq = 0
        self._pools = {}

    def time(self):
        return self._virtual.now

    def call_later(self, delay, callback, *args, context=None):
        if delay is None:
            raise TypeError("delay must not be None")
        return self.call_at(self.time() + exact(delay), callback, *args, context=context)

    def call_at(self, when, callback, *args, context=None):
        # BaseEventLoop.call_at, with a handle that breaks ties in the order timers were set.
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        timer = _FifoTimerHandle(self._timer_seq, exact(when), callback, args, self, context)
        self._timer_seq += 1
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def run_in_executor(self, executor, func, *args):
        if func is not _virtual_sleep:
            return super().run_in_executor(executor, func, *args)
        pool = self._pools.setdefault(id(executor), _VirtualPool(self, executor._max_workers))
        return pool.submit(exact(args[0]))


class _VirtualPool:
    """A thread pool on the virtual clock: `threads` threads, a FIFO queue, and each job taking
    its thread for exactly its duration."""

    def __init__(self, loop, threads):
        self._loop = loop
        self._free = threads
        self._queued = collections.deque()

    def submit(self, duration):
        future = self._loop.create_future()
        self._queued.append((future, duration))
        self._start_queued()
        return future

    def _start_queued(self):
        while self._free > 0 and self._queued:
            future, duration = self._queued.popleft()
            if future.cancelled():  # cancelled while queued: it never runs
                continue
            self._free -= 1
            self._loop.call_later(duration, self._finish, future)

    def _finish(self, future):
        self._free += 1
        if not future.cancelled():  # a cancelled job still held its thread to the end
            future.set_result(None)
        self._start_queued()


def _virtual_sleep(seconds):
    """time.sleep on the loop thread: the loop and everything on it stops for `seconds`."""
    asyncio.get_running_loop()._virtual.now += exact(seconds)


class _OutputRecorder(io.TextIOBase):
    """Stands in for sys.stdout: each printed line becomes one event."""

    def __init__(self, lines):
        super().__init__()
        self._lines = lines
        self._pending = ""

    def writable(self):
        return True

    def write(self, text):
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            loop = asyncio.get_running_loop()
            task = asyncio.current_task()
            self._lines.append({"t_ns": ns(loop.time()),
                                "task": task.get_name() if task is not None else None,
                                "text": line})
        return len(text)


def ns(seconds):
    return int(exact(seconds) * NS_PER_S)


def _float_format(self, spec):
    return format(float(self), spec)


# Python 3.12 formats a Fraction with "g", "f" and the like; 3.11 does not. A twin's times are
# floats on a real loop and Fractions here: either way f"{t:.3f}" prints the same.
Fraction.__format__ = _float_format


class _EngineRandom:
    """random.Random as the engine draws: std::mt19937_64, integer() as lo + next() % span and
    unit() as the top 53 bits."""

    _MASK = (1 << 64) - 1

    def __init__(self, seed):
        self._mt = [seed & self._MASK]
        for i in range(1, 312):
            prev = self._mt[-1]
            self._mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & self._MASK)
        self._index = 312

    def _twist(self):
        mt = self._mt
        for i in range(312):
            x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            mt[i] = mt[(i + 156) % 312] ^ xa
        self._index = 0

    def _next(self):
        if self._index >= 312:
            self._twist()
        y = self._mt[self._index]
        self._index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & self._MASK

    def random(self):
        return (self._next() >> 11) * 2.0**-53

    def randint(self, lo, hi):
        return lo + self._next() % (hi - lo + 1)

    def getrandbits(self, k):
        """The top k bits of one draw: getrandbits(64) is the engine's next(), with which a
        lesson seeds a generator of its own (one per URL in lesson 6)."""
        if not 0 <= k <= 64:
            raise ValueError("the engine's generator draws at most 64 bits at a time")
        return self._next() >> (64 - k)

    def uniform(self, lo, hi):
        return lo + (hi - lo) * self.random()


def load_twin(path):
    """Imports a twin, its clock, blocking and randomness made the harness's."""
    spec = importlib.util.spec_from_file_location("twin", path)
    twin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(twin)
    twin.time = types.SimpleNamespace(sleep=_virtual_sleep, monotonic=time.monotonic)
    twin.random = types.SimpleNamespace(Random=_EngineRandom)
    for name, value in vars(twin).items():
        if name.isupper() and isinstance(value, float):
            setattr(twin, name, exact(value))
    return twin


def exact_args(args):
    """The parsed knobs with every float made exact, as the engine's secs() makes them."""
    for name, value in vars(args).items():
        if isinstance(value, float):
            setattr(args, name, exact(value))
        elif isinstance(value, list) and value and isinstance(value[0], float):
            setattr(args, name, [exact(v) for v in value])
    return args


def plain(value):
    """A twin's figure as JSON: Fractions as the floats they stand for."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def task_end(task):
    if task.cancelled():
        return "cancelled"
    # Not task.exception(): that marks the error retrieved, and asyncio would then never report a
    # failure the demo itself left unretrieved (lesson 7's lost-task).
    return "failed" if task._exception is not None else "completed"


def task_row(task, record):
    """A task as the engine's JSON lists it; `task` is None once a finished one has gone."""
    if task is not None:
        name, state = task.get_name(), task_end(task) if task.done() else "pending"
    else:
        name, state = record["name"], record["state"]
    return {"name": name, "state": state,
            "start_ns": ns(record["start"] if record["start"] is not None else record["created"]),
            "end_ns": ns(record["end"]) if record["end"] is not None else None}


def run_demo(demo, args):
    """Runs one demo as the task "main" of a fresh virtual loop, as `asynclab run` does."""
    lines = []
    tasks = []
    running = [True]  # the tasks asyncio.run makes to shut down after main are not the demo's

    def factory(loop, coro, context=None):
        if not running[0]:
            return asyncio.Task(coro, loop=loop, context=context)
        record = {"created": loop.time(), "start": None, "end": None}

        # When the task's coroutine first runs and when it returns: on the loop, which may have
        # blocked since (a done callback runs a turn later). Cancelled before it ever ran, the
        # task ends when its done callbacks run.
        async def recorded():
            record["start"] = loop.time()
            try:
                return await coro
            finally:
                record["end"] = loop.time()

        def ended(task):
            if record["end"] is None:
                record["end"] = loop.time()
            record["name"], record["state"] = task.get_name(), task_end(task)

        task = asyncio.Task(recorded(), loop=loop, context=context)
        task.add_done_callback(ended)
        # A weak reference: a task the demo forgets must be free to go, as it is in a plain run
        # (asyncio reports an exception nobody retrieved only when the task is destroyed).
        tasks.append((weakref.ref(task), record))
        return task

    async def as_main():
        asyncio.current_task().set_name("main")
        try:
            return await demo(args)
        finally:
            running[0] = False

    stdout = sys.stdout
    sys.stdout = _OutputRecorder(lines)
    try:
        with asyncio.Runner(loop_factory=VirtualLoop) as runner:
            runner.get_loop().set_task_factory(factory)
            figures = runner.run(as_main())
            duration = runner.get_loop().time()
    finally:
        sys.stdout = stdout
    return {
        "duration_ns": ns(duration),
        "tasks": [task_row(ref(), r) for ref, r in tasks],
        "output": lines,
        "metrics": plain(figures),
    }


def run_twin(twin, argv):
    """Every demo `argv` chooses (all by default), each in a fresh loop."""
    args = exact_args(twin.parse_args(argv))
    return {"demos": [dict(id=demo, **run_demo(twin.DEMOS[demo], args))
                      for demo in (args.demo or twin.DEMOS)]}


def main():
    twin = load_twin(sys.argv[1])
    json.dump(run_twin(twin, sys.argv[2:]), sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()

"""Plain asyncio on a virtual clock, printing what a learner would see as JSON lines.

The oracle programs beside this file are the lessons' demos written as ordinary asyncio code. This
module runs them the way `asynclab run N --clock virtual` runs the C++ ones, so that the two can be
compared event for event:

- The loop is asyncio's own SelectorEventLoop, unchanged except for its clock. Its selector never
  blocks: asked to wait `timeout` seconds for I/O, it moves the clock on by `timeout` instead, which
  is exactly the time of the next timer. Every other part of the loop (the FIFO ready queue, a turn
  running exactly the callbacks that were ready when it began, timers joining the back of the
  ready queue, futures waking their tasks with call_soon) is asyncio's code, untouched.
- Times are exact: the clock is a Fraction of seconds, and every delay is rounded to a whole
  nanosecond as the engine's secs() does, so 0.02 + 0.02 is exactly 0.04 and two timers set for the
  same instant are due at exactly the same instant.
- Timers due at the same instant fire in the order they were set. asyncio compares timer handles by
  their deadline only and keeps them in a heap, which leaves the order of equal deadlines
  unspecified — and with four or more equal deadlines its heap does reorder them. On a real clock
  the question never arises: each deadline is loop.time() + delay, time only moves forward, so of
  two sleeps of the same length the one begun first ends first. FIFO is that order, and the one
  the engine documents; the oracle keeps it with a sequence number as the tie-break.
- print() inside the program is captured: each line becomes {"t_ns", "task", "text"}, with the
  loop's time and the name of the task that printed it — the C++ trace's "output" events.

Usage, from an oracle program:

    from virtual_asyncio import run
    run(main_coroutine_function, args)      # prints the JSON lines, then {"metrics": ...}
"""

import asyncio
import heapq
import io
import json
import selectors
import sys
from asyncio import events
from fractions import Fraction

if sys.version_info < (3, 11):
    sys.exit("the oracle needs Python 3.11 or later (asyncio.Runner)")

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


class _OutputRecorder(io.TextIOBase):
    """Stands in for sys.stdout: each printed line becomes one JSON event."""

    def __init__(self, sink):
        super().__init__()
        self._sink = sink
        self._pending = ""

    def writable(self):
        return True

    def write(self, text):
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            loop = asyncio.get_running_loop()
            task = asyncio.current_task()
            event = {
                "t_ns": int(loop.time() * NS_PER_S),
                "task": task.get_name() if task is not None else None,
                "text": line,
            }
            self._sink.write(json.dumps(event, ensure_ascii=False) + "\n")
        return len(text)


def run(main, *args):
    """Runs main(metrics, *args) as the task "main" on a virtual loop, like asyncio.run.

    Prints one JSON line per printed line, then {"duration_ns": ..., "metrics": {...}}.
    """
    sink = sys.stdout
    metrics = {}

    async def as_main():
        asyncio.current_task().set_name("main")
        await main(metrics, *args)

    sys.stdout = _OutputRecorder(sink)
    try:
        with asyncio.Runner(loop_factory=VirtualLoop) as runner:
            runner.run(as_main())
            duration = runner.get_loop().time()
    finally:
        sys.stdout = sink
    sink.write(json.dumps({"duration_ns": int(duration * NS_PER_S), "metrics": metrics}) + "\n")
    sink.flush()

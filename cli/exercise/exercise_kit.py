"""What an exercise's checks are written with (`asynclab check NAME [FILE]`).

asynclab runs the recorder (cli/trace/recorder.py) with two more modules: this kit, as
`asynclab_exercise`, and the exercise's checks (lesson_data/exercises/NAME/checks.py), as
`asynclab_checks`. The recorder calls main() with the learner's file instead of running it.

A checks module declares scenarios, in the order exercise.toml lists them:

    from asynclab_exercise import scenario, run, check, FakeService

    @scenario("same-key")
    def same_key(solution):
        service = FakeService(seed=1)
        values = run(solution.fetch_all(service.fetch, ["a"] * 5))
        check("values", values == ["a!"] * 5, got=values)
        check("one-fetch", service.calls == 1, calls=service.calls)

Each scenario is its own trace: the clock starts at 0 and task ids at 1, and `run` is
asyncio.run under the recording loop, on the virtual clock (so latencies are exact and a check
takes no real time). A scenario that hangs, runs past its limit or raises ends there; its checks
not reached count as failed. `check` sends a verdict and the figures its message is filled with
(exercise.toml words every check); nothing here writes text for the learner to read.
"""

import asyncio
import gc
import importlib.util
import random
import sys
import traceback

import asynclab_recorder as _recorder

_SCENARIOS = []  # (id, function, limit in seconds)


def scenario(scenario_id, limit=60.0):
    """Declares a scenario: a function given the learner's module; `limit` is its clock's end."""

    def declare(fn):
        _SCENARIOS.append((scenario_id, fn, limit))
        return fn

    return declare


def run(awaitable):
    """asyncio.run of the learner's coroutine, recorded: what it returns."""
    if not asyncio.iscoroutine(awaitable):
        raise NotCoroutine(awaitable)
    return asyncio.run(awaitable)


# What run() raises when nothing in the scenario can run again (the recorder has already sent the
# wait-for chain). Uncaught, it ends the scenario; a check may catch it to still say what was
# left undone.
Hang = _recorder.ScenarioHang


class NotCoroutine(Exception):
    """What the learner's function gave back is not a coroutine (an `async def` was not one)."""

    def __init__(self, value):
        super().__init__(type(value).__name__)
        self.value = value


def check(check_id, ok, **figures):
    """One verdict: passed or not, and the figures exercise.toml's words for it name."""
    _recorder.REC.emit(["check", check_id, bool(ok), {k: _jsonable(v) for k, v in figures.items()}])
    return bool(ok)


def findings(kind):
    """The mistakes the recorder saw in this scenario so far: "block" (time.sleep and other
    blocking calls on the loop), "slow" (a step over 100 ms), "unawaited", "unretrieved"."""
    gc.collect()  # coroutines and tasks dropped but not yet freed report themselves now
    return [f for f in _recorder.REC.findings if f[0] == kind]


def now():
    """The scenario's clock, in seconds."""
    return _recorder.REC.now_ns / 1e9


def _jsonable(value):
    """A figure as the words show it: a number stays a number (for {took:g}); anything else is
    shown as Python shows it (['a!', 'b!']), because it is Python the learner reads."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    return repr(value)


class FakeService:
    """A fake network service on the loop's clock: each call sleeps a latency drawn from `seed`
    (uniform in `latency`, seconds) and fails with ConnectionError at `fail_rate`, or always while
    the clock is inside one of the `down` windows [(from, to), ...]. Counts what it was asked."""

    def __init__(self, seed=1, latency=(0.01, 0.06), fail_rate=0.0, down=()):
        self.random = random.Random(seed)
        self.latency = latency
        self.fail_rate = fail_rate
        self.down = list(down)
        self.calls = 0  # calls that reached the service
        self.by_key = {}  # key -> calls
        self.in_flight = 0
        self.peak = 0  # most calls in flight at once
        self.failures = 0
        self.finished = 0  # calls that ran to their end (not cancelled)

    def value(self, key):
        """What a successful call for `key` returns."""
        return "{}!".format(key)

    async def fetch(self, key="x"):
        self.calls += 1
        self.by_key[key] = self.by_key.get(key, 0) + 1
        low, high = self.latency
        delay = round(self.random.uniform(low, high), 3)
        fails = self.random.random() < self.fail_rate
        start = now()
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(delay)
        finally:
            self.in_flight -= 1
        self.finished += 1
        if fails or any(a <= start < b for a, b in self.down):
            self.failures += 1
            raise ConnectionError("{} failed".format(key))
        return self.value(key)


def _load(path):
    """The learner's file as a module named `solution` (its `if __name__ == "__main__"` block
    does not run). A SyntaxError or an error at import is theirs: it propagates."""
    spec = importlib.util.spec_from_file_location("solution", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = module
    spec.loader.exec_module(module)
    return module


def _learner_line(exc):
    """(file, line) of the innermost frame of the learner's code in the exception's traceback."""
    site = ("", 0)
    for frame in traceback.extract_tb(exc.__traceback__):
        if _mine(frame.filename):
            site = (frame.filename, frame.lineno)
    return site


def _mine(filename):
    return not filename.startswith("<") and not filename.startswith(_recorder._stdlib_dir)


def _print_learner_traceback(exc):
    """The traceback from the learner's first frame on: the kit's asyncio.run is not theirs."""
    te = traceback.TracebackException.from_exception(exc)
    seen = []
    t = te
    while t is not None and t not in seen:
        seen.append(t)
        frames = list(t.stack)
        first = next((i for i, f in enumerate(frames) if _mine(f.filename)), len(frames))
        t.stack = traceback.StackSummary.from_list(frames[first:])
        t = t.__cause__ or (t.__context__ if not t.__suppress_context__ else None)
    sys.stderr.write("".join(te.format()))
    sys.stderr.flush()


def _raised(rec, e, shown):
    site = _learner_line(e)
    if (type(e), site) not in shown:
        shown.add((type(e), site))
        _print_learner_traceback(e)
    rec.emit(["raised", rec.t(), type(e).__name__, str(e), site[0], site[1]])


def _missing_name(error, solution):
    """The name the checks asked the learner's module (or one of its classes) for and it lacks."""
    name = getattr(error, "name", None)  # Python 3.10+
    obj = getattr(error, "obj", None)
    if name is not None and (obj is solution or isinstance(obj, type) and
                             obj.__module__ == "solution"):
        return name if obj is solution else "{}.{}".format(obj.__name__, name)
    prefix = "module 'solution' has no attribute '"  # Python 3.9
    text = str(error)
    if text.startswith(prefix) and text.endswith("'"):
        return text[len(prefix):-1]
    return None


def _not_awaitable(error):
    """A TypeError asyncio raises when it is given something that is not awaitable: a function
    the checks await that is not `async def`."""
    text = str(error)
    return ("coroutine or an awaitable is required" in text
            or "can't be used in 'await' expression" in text
            or "a coroutine was expected" in text)


def main(path):
    rec = _recorder.REC
    rec.checking = True
    sys.dont_write_bytecode = True  # a check writes nothing beside the learner's file
    solution = _load(path)
    shown = set()
    for scenario_id, fn, limit in _SCENARIOS:
        rec.begin_scenario(scenario_id, limit)
        try:
            fn(solution)
        except _recorder.ScenarioHang:
            pass  # the recorder sent the chain and "hang"
        except _recorder.ScenarioTooLong:
            rec.emit(["toolong", rec.limit_ns])  # the clock stopped short of the limit
        except NotCoroutine as e:
            rec.emit(["notcoroutine", type(e.value).__name__])
        except AttributeError as e:
            missing = _missing_name(e, solution)
            if missing is None:
                _raised(rec, e, shown)
            else:
                rec.emit(["missing", missing])
        except TypeError as e:
            if _not_awaitable(e):
                rec.emit(["notcoroutine", ""])
            else:
                _raised(rec, e, shown)
        except Exception as e:  # the learner's code raised: their traceback, once per place
            _raised(rec, e, shown)
        gc.collect()
        rec.emit(["scenario_end", rec.t()])
        asyncio.set_event_loop(None)

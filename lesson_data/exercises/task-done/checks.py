"""The checks of the exercise `task-done` (their words: exercise.toml)."""
import asyncio
import math

# A hang ends run() with the recorder's wait-for chain already sent; catching it lets the checks
# still say what was left undone, instead of every check showing as not reached.
from asynclab_exercise import Hang, check, now, run, scenario

LATENCY = 0.1
ITEMS = list("abcdefg")
WORKERS = 3


class Handler:
    """The learner's `handle`: each item takes LATENCY seconds; the items in `bad` then raise."""

    def __init__(self, bad=()):
        self.bad = set(bad)
        self.counts = {item: 0 for item in ITEMS}  # item -> times its handling ran to the end

    async def __call__(self, item):
        await asyncio.sleep(LATENCY)
        self.counts[item] = self.counts.get(item, 0) + 1
        if item in self.bad:
            raise ValueError("cannot handle {}".format(item))


class Outcome:
    def __init__(self):
        self.failed = None
        self.took = None
        self.counts = None  # the handler's counts when process returned
        self.alive = None  # tasks still alive after process returned


def play(solution, handler):
    """Runs process(ITEMS, handler, WORKERS); what it returned and when, or that it hung."""
    out = Outcome()

    async def main():
        start = now()
        out.failed = await solution.process(list(ITEMS), handler, WORKERS)
        out.took = now() - start
        out.counts = dict(handler.counts)
        for _ in range(3):  # cancelled workers and workers given a sentinel end in a step or two
            await asyncio.sleep(0)
        me = asyncio.current_task()
        out.alive = sum(1 for t in asyncio.all_tasks() if t is not me)
        return out.failed  # the timeline shows what process returned, and only that

    try:
        run(main())
        hung = False
    except Hang:
        hung = True
    check("returns", not hung, t=now(), handled=sum(1 for c in handler.counts.values() if c),
          n=len(ITEMS))
    return out, hung


def expected_end():
    """Every worker busy all along: ceil(items / workers) rounds of LATENCY, on the ns clock."""
    return math.ceil(len(ITEMS) / WORKERS) * round(LATENCY * 1e9) / 1e9


def check_on_time(out):
    check("on-time", out.took == expected_end(), took=out.took, expected=expected_end(),
          workers=WORKERS)


@scenario("all-ok")
def all_ok(solution):
    handler = Handler()
    out, hung = play(solution, handler)
    if hung:
        return
    missing = [item for item, c in out.counts.items() if c == 0]
    twice = [item for item, c in out.counts.items() if c > 1]
    check("handled-once", not missing and not twice, took=out.took, n=len(ITEMS),
          done=len(ITEMS) - len(missing), missing=missing, twice=twice)
    check_on_time(out)
    check("workers-stopped", out.alive == 0, alive=out.alive)


@scenario("failure")
def failure(solution):
    handler = Handler(bad="c")
    out, hung = play(solution, handler)
    if hung:
        return
    check("failed", list(out.failed or []) == ["c"], got=out.failed)
    check_on_time(out)

"""The checks of the exercise `swallowed-cancel` (their words: exercise.toml)."""
import asyncio

from asynclab_exercise import check, now, run, scenario

GRACE = 1.0  # how long after a cancel or a timeout the checks wait for the worker to end


class WorkerIgnoredCancel(Exception):
    """Raised in a worker that would not stop, once the checks are done with it. Its name is
    what the learner's timeline shows as the worker's end, so it says what happened."""


class Conn:
    """A fake job source: next_job() waits `every` s and gives jobs 1, 2, 3, ...; handle(job)
    takes `work` s and raises ValueError for a job in `bad`; log and close are recorded."""

    def __init__(self, every=0.1, work=0.1, bad=(2,)):
        self.every = every
        self.work = work
        self.bad = set(bad)
        self.last = 0
        self.handled = []
        self.logged = []
        self.closes = []  # when close() was called
        self.abandoned = False

    async def next_job(self):
        if self.abandoned:  # no more jobs, ever
            await asyncio.get_running_loop().create_future()
        await asyncio.sleep(self.every)
        self.last += 1
        return self.last

    async def handle(self, job):
        await asyncio.sleep(self.work)
        if job in self.bad:
            raise ValueError("job {} is bad".format(job))
        self.handled.append(job)

    def log(self, message):
        if self.abandoned:  # a worker logging the cancel it swallowed: this ends it
            raise WorkerIgnoredCancel("the worker went on after it was cancelled; the checks "
                                      "stopped it with this exception")
        self.logged.append(message)

    def close(self):
        self.closes.append(now())


def ending(task):
    """How a done task ended, as Python code: `return None`, `raise ValueError(...)`."""
    if task.cancelled():
        return "raise CancelledError()"
    exc = task.exception()
    return "raise {!r}".format(exc) if exc is not None else "return {!r}".format(task.result())


_KEPT = []  # workers that would not stop: see abandon


async def abandon(conn):
    """The checks are done with a worker that would not stop: stop it, so the scenario ends. A
    worker that swallows this cancel too and never logs waits forever, and the scenario hangs;
    its task is kept, because a coroutine freed later gets GeneratorExit, which a bare except
    swallows too, and it would then spin on with no loop to run it."""
    conn.abandoned = True
    others = asyncio.all_tasks() - {asyncio.current_task()}
    for task in others:
        task.cancel()
    if others:
        await asyncio.wait(others, timeout=GRACE)
    for task in others:
        if not task.done():
            _KEPT.append(task)
        elif not task.cancelled():
            task.exception()  # retrieved: how it ends now is the checks' doing, not the learner's


# The verdicts are sent inside the run, before abandon: if the worker then hangs the scenario,
# they have been sent.

@scenario("cancel")
def cancel(solution):
    conn = Conn()
    at = 0.75  # while job 4 is being handled

    async def main():
        task = asyncio.create_task(solution.worker(conn), name="worker")
        await asyncio.sleep(at)
        running, handled, logged = not task.done(), list(conn.handled), list(conn.logged)
        check("keeps-going", running and handled == [1, 3] and logged, at=at, handled=handled,
              logged=logged)
        if not running:
            # It ended before any cancel (job 2's error, most likely): "keeps-going" says so, and
            # the checks of the cancel have nothing true to say, so they are not reached.
            if not task.cancelled():
                task.exception()  # retrieved: "keeps-going" has told the learner
            return
        task.cancel()
        await asyncio.wait([task], timeout=GRACE)
        end = round(now(), 6)
        check("stops", task.done() and end == at, at=at, late=round(end - at, 6))
        if task.done():
            check("cancelled", task.cancelled(), ended=ending(task))
            check("cleanup", conn.closes == [end], closes=len(conn.closes))
        await abandon(conn)

    run(main())


@scenario("timeout")
def timeout(solution):
    conn = Conn()
    limit = 0.35  # while job 2 is being handled

    async def main():
        probe = asyncio.create_task(asyncio.wait_for(solution.worker(conn), limit),
                                    name="wait_for")
        await asyncio.wait([probe], timeout=limit + GRACE)
        end = round(now(), 6)
        check("ends", probe.done() and end == limit, want=limit, late=round(end - limit, 6))
        if probe.done():
            timed_out = not probe.cancelled() and isinstance(probe.exception(),
                                                             asyncio.TimeoutError)
            check("raises", timed_out, got=ending(probe))
        await abandon(conn)

    run(main())

"""Lesson 4 — semaphores, locks and events: the synchronisation primitives of threaded code, in
versions that suspend the task instead of blocking the thread. A Semaphore(n) lets n tasks in at
once; a Lock makes a critical section with an await inside it indivisible; an Event releases
every waiting task with one set().

The asyncio twin of `asynclab run 4`: the same tasks, in the same order, with the same names,
printing the same lines. Each demo runs in a fresh asyncio.run(), so its times start at zero.

    python3 04_semaphore.py [--demo ID] [--tasks 10] [--limit 3] [--work 1.0]
"""

import argparse
import asyncio
import math
import sys

IO_CALL = 0.1  # the await between reading the counter and writing it back: a database call


class Gauge:
    """How many tasks are inside the semaphore right now, and the most there ever were."""

    def __init__(self):
        self.inside = 0
        self.most = 0


async def limited_job(i, sem, work, gauge):
    """One job that needs a scarce resource: a connection, a slot in a rate limit."""
    async with sem:  # waits while no permit is free
        gauge.inside += 1
        gauge.most = max(gauge.most, gauge.inside)
        print(f"t{i} got a permit ({gauge.inside} running)")
        await asyncio.sleep(work)
        gauge.inside -= 1
        print(f"t{i} done, releasing its permit")
    # leaving the block hands the permit to the first task in line


async def limit(args):
    loop = asyncio.get_running_loop()
    start = loop.time()
    sem = asyncio.Semaphore(args.limit)
    gauge = Gauge()
    jobs = [asyncio.create_task(limited_job(i, sem, args.work, gauge),
                                name=f"t{i}")
            for i in range(args.tasks)]
    await asyncio.gather(*jobs)
    return {"max_concurrency": gauge.most,
            "makespan_s": loop.time() - start}


class Counter:
    def __init__(self):
        self.value = 0


async def add_one(who, counter):
    """counter += 1 in three steps with an await in the middle: the other tasks run in that gap."""
    seen = counter.value  # read
    print(f"{who} read {seen}")
    await asyncio.sleep(IO_CALL)  # other tasks run here, and read the same old value
    counter.value = seen + 1  # write: overwrites whatever they wrote meanwhile
    print(f"{who} wrote {seen + 1}")


async def add_one_locked(who, counter, lock):
    """The same, with the whole read-await-write inside the lock: one task at a time."""
    async with lock:
        await add_one(who, counter)


async def lock(args):
    loop = asyncio.get_running_loop()
    start = loop.time()

    racy = Counter()
    unlocked = [asyncio.create_task(add_one(f"racy{i}", racy),
                                    name=f"racy{i}")
                for i in range(args.tasks)]
    await asyncio.gather(*unlocked)
    racy_time = loop.time() - start
    print(f"without a lock: counter = {racy.value}, expected {args.tasks}")

    safe = Counter()
    lock = asyncio.Lock()
    locked = [asyncio.create_task(add_one_locked(f"safe{i}", safe, lock),
                                  name=f"safe{i}")
              for i in range(args.tasks)]
    await asyncio.gather(*locked)
    print(f"with a lock: counter = {safe.value}, expected {args.tasks}")

    return {
        "expected": args.tasks,
        "without_lock": racy.value,
        "with_lock": safe.value,
        "lost_updates": args.tasks - racy.value,
        "time_without_lock_s": racy_time,
        "time_with_lock_s": loop.time() - start - racy_time,
    }


async def waiter(i, go, work, released_at):
    """Nothing to do until the go signal; then it works."""
    await go.wait()
    released_at[i] = asyncio.get_running_loop().time()
    print(f"w{i} released")
    await asyncio.sleep(work)


async def latecomer(go, waited):
    """Arrives after set(): the event stays set, so wait() returns at once."""
    loop = asyncio.get_running_loop()
    before = loop.time()
    await go.wait()
    waited.append(loop.time() - before)
    print(f"late: wait() returned after {waited[0]:g} s, the event is still set")


async def event(args):
    loop = asyncio.get_running_loop()
    start = loop.time()
    go = asyncio.Event()
    released_at = [start] * args.tasks
    waiters = [asyncio.create_task(waiter(i, go, args.work, released_at),
                                   name=f"w{i}")
               for i in range(args.tasks)]
    await asyncio.sleep(args.work)  # later: the config is loaded, say
    set_at = loop.time() - start
    print("main: set()")
    go.set()  # one call releases every waiter
    late_waited = []
    waiters.append(asyncio.create_task(latecomer(go, late_waited),
                                       name="late"))
    await asyncio.gather(*waiters)

    return {
        "waiters": args.tasks,
        "set_at_s": set_at,
        # the last waiter's release; they are all released at set_at_s
        "released_at_s": max(released_at) - start,
        "late_wait_s": late_waited[0],
    }


DEMOS = {"limit": limit, "lock": lock, "event": event}


def count(lo, hi):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and lo <= value <= hi and value == int(value)):
            raise argparse.ArgumentTypeError(
                f"'{text}' is not valid; expected a whole number from {lo:g} to {hi:g}")
        return int(value)
    return parse


def seconds(lo, hi):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and lo <= value <= hi):
            raise argparse.ArgumentTypeError(
                f"'{text}' is not valid; expected seconds from {lo:g} to {hi:g}")
        return value
    return parse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], exit_on_error=False)
    parser.add_argument("--demo", action="append", choices=DEMOS, help="run only this demo")
    parser.add_argument("--seed", type=int, default=42, help="unused: nothing here is random")
    parser.add_argument("--tasks", type=count(1, 1000), default=10,
                        help="how many tasks compete")
    parser.add_argument("--limit", type=count(1, 1000), default=3,
                        help="the semaphore's permits")
    parser.add_argument("--work", type=seconds(0, 60), default=1.0,
                        help="seconds each task holds its permit")
    try:
        return parser.parse_args(argv)
    except argparse.ArgumentError as e:
        print(f"{parser.prog}: {e.argument_name}: {e.message}", file=sys.stderr)
        sys.exit(2)


def main():
    args = parse_args()
    for demo in args.demo or DEMOS:
        print(f"--- {demo}")
        figures = asyncio.run(DEMOS[demo](args))
        for name, value in figures.items():
            print(f"    {name} = {value}")


if __name__ == "__main__":
    main()

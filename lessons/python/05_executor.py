"""Lesson 5 — executor: a blocking call on the loop thread stalls every task; the same call on a
thread pool leaves the loop free, and a semaphore in front of the pool bounds what piles up.

The asyncio twin of `asynclab run 5`: the same tasks, in the same order, with the same names,
printing the same lines. Each demo runs in a fresh asyncio.run(), so its times start at zero.
In each demo a ticker task wants to tick every --tick seconds, a stand-in for all the other tasks
of a program, while --jobs jobs block for --block seconds each (time.sleep stands in for any
blocking call: a file read, a CPU-heavy function, a library without async support).

    python3 05_executor.py [--demo ID] [--jobs 5] [--block 0.05] [--pool 4] [--tick 0.01]
"""

import argparse
import asyncio
import math
import sys
import time
from concurrent.futures import ThreadPoolExecutor


class Beat:
    """What the ticker saw: how often it ticked, and the longest it went without a tick."""

    def __init__(self):
        self.last = 0  # when it last ticked (or started)
        self.longest_gap = 0
        self.ticks = 0
        self.missed = 0  # beats that went by without a tick


async def ticker(every, beat):
    """Ticks every `every` seconds until cancelled, but only when the loop gets to run it."""
    loop = asyncio.get_running_loop()
    beat.last = loop.time()
    try:
        while True:
            await asyncio.sleep(every)
            gap = loop.time() - beat.last
            beat.longest_gap = max(beat.longest_gap, gap)
            beat.missed += int(gap // every) - 1
            beat.last = loop.time()
            beat.ticks += 1
    except asyncio.CancelledError:
        # Stopped: the stretch since the last tick counts too.
        gap = loop.time() - beat.last
        beat.longest_gap = max(beat.longest_gap, gap)
        beat.missed += int(gap // every)
        print(f"ticker: stopped after {beat.ticks} ticks; "
              f"longest gap {beat.longest_gap:.3f} s (it wanted {every:.3f} s)")
        raise  # a cancelled task must end cancelled


async def stop_ticker(ticking, beat, figures):
    """The jobs are done: stop the ticker (cancel it and let it finish), report what it saw."""
    ticking.cancel()
    await asyncio.wait([ticking])  # wait() never raises: a cancelled ticker is what we asked for
    figures.update(longest_tick_gap_s=beat.longest_gap, ticks=beat.ticks,
                   ticks_missed=beat.missed)
    return figures


# ---- blocking-loop -------------------------------------------------------------------------

async def job_on_loop(i, block):
    """A blocking call right in a coroutine: nothing else runs until it returns."""
    time.sleep(block)
    print(f"j{i} done: it held the loop thread for {block:g} s")


async def blocking_loop(args):
    loop = asyncio.get_running_loop()
    start = loop.time()
    beat = Beat()
    ticking = asyncio.create_task(ticker(args.tick, beat), name="ticker")
    print(f"{args.jobs} jobs of {args.block:g} s, "
          "each called right on the loop thread")
    # Tasks, created together as in the next demo: they could overlap, but
    # they do not, because each holds the one thread every task shares.
    tasks = [asyncio.create_task(job_on_loop(i, args.block), name=f"j{i}")
             for i in range(args.jobs)]
    await asyncio.gather(*tasks)

    makespan = loop.time() - start
    print(f"all {args.jobs} jobs done at {makespan:.3f} s; "
          "stopping the ticker")
    return await stop_ticker(ticking, beat, {"makespan_s": makespan})


# ---- executor ------------------------------------------------------------------------------

class InFlight:
    """Jobs handed to the pool and not yet back: running on a thread, or queued for one."""

    def __init__(self, threads):
        self.threads = threads
        self.now = 0
        self.most = 0
        self.most_waiting_for_thread = 0

    def submitted(self):
        self.now += 1
        self.most = max(self.most, self.now)
        self.most_waiting_for_thread = max(self.most_waiting_for_thread, self.now - self.threads)

    def returned(self):
        self.now -= 1


async def job_in_pool(i, block, pool, in_flight):
    """The same blocking call on a pool thread: this task waits, the loop runs the others."""
    loop = asyncio.get_running_loop()
    in_flight.submitted()
    await loop.run_in_executor(pool, time.sleep, block)
    in_flight.returned()
    print(f"j{i} done")


async def executor(args):
    loop = asyncio.get_running_loop()
    start = loop.time()
    in_flight = InFlight(args.pool)
    beat = Beat()
    ticking = asyncio.create_task(ticker(args.tick, beat), name="ticker")
    print(f"{args.jobs} jobs of {args.block:g} s, "
          f"handed to a pool of {args.pool} threads all at once")
    with ThreadPoolExecutor(max_workers=args.pool) as pool:
        # run_in_executor never says no: every job goes to the pool at
        # once, and those that find every thread busy wait in its queue.
        tasks = [asyncio.create_task(
                     job_in_pool(i, args.block, pool, in_flight),
                     name=f"j{i}")
                 for i in range(args.jobs)]
        await asyncio.gather(*tasks)

    makespan = loop.time() - start
    print(f"all {args.jobs} jobs done at {makespan:.3f} s; "
          "stopping the ticker")
    figures = {"makespan_s": makespan, "max_in_flight": in_flight.most,
               "max_waiting_for_thread": in_flight.most_waiting_for_thread}
    return await stop_ticker(ticking, beat, figures)


# ---- bounded-executor ----------------------------------------------------------------------

async def bounded_job(i, block, pool, in_flight, slots):
    """A job holding a permit of the semaphore in front of the pool; it gives it back when done."""
    try:
        await job_in_pool(i, block, pool, in_flight)
    finally:
        slots.release()


async def bounded_executor(args):
    loop = asyncio.get_running_loop()
    start = loop.time()
    in_flight = InFlight(args.pool)
    # One permit per thread: the pool never gets more than it can run.
    limit = args.pool
    slots = asyncio.Semaphore(limit)
    beat = Beat()
    ticking = asyncio.create_task(ticker(args.tick, beat), name="ticker")
    print(f"{args.jobs} jobs of {args.block:g} s, "
          f"a pool of {args.pool} threads, "
          f"at most {limit} jobs handed to it at once")
    # The producer takes a permit before each submission: when `limit`
    # jobs are out, it waits here, in a task of ours, where the wait shows
    # (and could time out or be cancelled).
    producer_waited = 0
    with ThreadPoolExecutor(max_workers=args.pool) as pool:
        tasks = []
        for i in range(args.jobs):
            full = slots.locked()  # every permit is out: acquire will wait
            asked = loop.time()
            await slots.acquire()
            if full:
                producer_waited += loop.time() - asked
                print(f"producer: waited {loop.time() - asked:.3f} s "
                      f"for a permit for j{i}")
            tasks.append(asyncio.create_task(
                bounded_job(i, args.block, pool, in_flight, slots),
                name=f"j{i}"))
        await asyncio.gather(*tasks)

    makespan = loop.time() - start
    print(f"all {args.jobs} jobs done at {makespan:.3f} s; "
          "stopping the ticker")
    figures = {"limit": limit, "makespan_s": makespan,
               "max_in_flight": in_flight.most,
               "max_waiting_for_thread": in_flight.most_waiting_for_thread,
               "producer_waited_s": producer_waited}
    return await stop_ticker(ticking, beat, figures)


DEMOS = {
    "blocking-loop": blocking_loop,
    "executor": executor,
    "bounded-executor": bounded_executor,
}


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
    parser.add_argument("--jobs", type=count(1, 1000), default=5, help="how many blocking calls")
    parser.add_argument("--block", type=seconds(0, 10), default=0.05,
                        help="seconds each blocking call takes")
    parser.add_argument("--pool", type=count(1, 128), default=4, help="threads in the pool")
    parser.add_argument("--tick", type=seconds(0.001, 10), default=0.01,
                        help="how often the ticker wants to tick")
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

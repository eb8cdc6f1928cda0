"""Lesson 3 — queue: a bounded queue between one fast producer and a few slow workers. When the
workers fall behind, the full queue suspends the producer — backpressure — instead of letting a
backlog pile up in memory.

The asyncio twin of `asynclab run 3`: the same tasks, in the same order, with the same names,
printing the same lines. The demo runs in a fresh asyncio.run(), so its times start at zero.

    python3 03_queue.py [--items 10] [--workers 2] [--maxsize 3] [--work 0.02]
"""

import argparse
import asyncio
import math
import sys

STOP = -1  # the sentinel: "no more work"; real items are 0, 1, 2, ...


class Figures:
    """What the tasks note down for the summary."""

    def __init__(self, workers):
        self.handled_by = [[] for _ in range(workers)]  # handled_by[i]: worker i's items
        self.producer_blocked = 0  # time the producer spent waiting for room
        self.max_depth = 0  # the most items the queue ever held


async def worker(i, queue, work, figures):
    """Take an item, work on it, mark it done — until the sentinel comes."""
    while True:
        item = await queue.get()  # waits while the queue is empty
        if item == STOP:
            print(f"w{i} got the sentinel and stops")
            queue.task_done()
            return
        await asyncio.sleep(work)  # the work itself
        print(f"w{i} handled {item}")
        figures.handled_by[i].append(item)
        queue.task_done()  # join() waits until every item put has been marked done


async def producer(items, workers, queue, figures):
    """put() on a full queue suspends the producer until a worker makes room."""
    loop = asyncio.get_running_loop()
    for item in range(items):
        if queue.full():
            print(f"producer: queue full, waiting to put {item}")
        before = loop.time()
        await queue.put(item)  # returns at once while there is room
        figures.producer_blocked += loop.time() - before
        figures.max_depth = max(figures.max_depth, queue.qsize())
    print(f"producer: all {items} items queued; join() waits until they are all handled")
    await queue.join()
    print("producer: every item handled; one sentinel per worker")
    for _ in range(workers):
        await queue.put(STOP)


async def backpressure(args):
    loop = asyncio.get_running_loop()
    start = loop.time()
    queue = asyncio.Queue(args.maxsize)  # 0: unbounded
    figures = Figures(args.workers)
    # The workers first: they wait on the empty queue until the producer
    # starts putting.
    tasks = [asyncio.create_task(worker(i, queue, args.work, figures),
                                 name=f"w{i}")
             for i in range(args.workers)]
    tasks.append(asyncio.create_task(
        producer(args.items, args.workers, queue, figures),
        name="producer"))
    await asyncio.gather(*tasks)

    elapsed = loop.time() - start
    handled = sum(len(mine) for mine in figures.handled_by)
    return {
        "items_handled": handled,
        "handled_by": {f"w{i}": mine
                       for i, mine in enumerate(figures.handled_by)},
        "producer_blocked_s": figures.producer_blocked,
        "max_queue_depth": figures.max_depth,
        # With no time passed (--work 0) there is no rate to speak of.
        "throughput_per_s": handled / elapsed if elapsed > 0 else None,
    }


DEMOS = {"backpressure": backpressure}


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
    parser.add_argument("--items", type=count(0, 10000), default=10,
                        help="how many items the producer puts")
    parser.add_argument("--workers", type=count(1, 100), default=2,
                        help="how many workers take items")
    parser.add_argument("--maxsize", type=count(0, 10000), default=3,
                        help="the queue's capacity (0: unbounded)")
    parser.add_argument("--work", type=seconds(0, 60), default=0.02,
                        help="seconds a worker spends on an item")
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

"""Lesson 3's backpressure demo as plain asyncio: the oracle for lessons/cpp/03_queue.cpp.

Line for line the same program as the C++ demo (same tasks, same spawn order, same prints), on
asyncio's own Queue. virtual_asyncio runs it on a virtual clock and prints what it printed, with
times and task names, as JSON lines.

    python3 queue_oracle.py --items 10 --workers 2 --maxsize 3 --work 0.02
"""

import argparse
import asyncio

from virtual_asyncio import run

STOP = -1  # the sentinel: "no more work"; real items are 0, 1, 2, ...


class Figures:
    def __init__(self, workers):
        self.handled_by = [[] for _ in range(workers)]
        self.producer_blocked = 0
        self.max_depth = 0


async def worker(i, queue, work, figures):
    while True:
        item = await queue.get()
        if item == STOP:
            print(f"w{i} got the sentinel and stops")
            queue.task_done()
            return
        await asyncio.sleep(work)
        print(f"w{i} handled {item}")
        figures.handled_by[i].append(item)
        queue.task_done()


async def producer(items, workers, queue, figures):
    loop = asyncio.get_running_loop()
    for item in range(items):
        if queue.full():
            print(f"producer: queue full, waiting to put {item}")
        before = loop.time()
        await queue.put(item)
        figures.producer_blocked += loop.time() - before
        figures.max_depth = max(figures.max_depth, queue.qsize())
    print(f"producer: all {items} items queued; join() waits until they are all handled")
    await queue.join()
    print("producer: every item handled; one sentinel per worker")
    for _ in range(workers):
        await queue.put(STOP)


async def backpressure(metrics, items, workers, maxsize, work):
    queue = asyncio.Queue(maxsize)
    figures = Figures(workers)
    tasks = []
    for i in range(workers):
        tasks.append(asyncio.create_task(worker(i, queue, work, figures), name=f"w{i}"))
    tasks.append(asyncio.create_task(producer(items, workers, queue, figures), name="producer"))
    await asyncio.gather(*tasks)

    elapsed = asyncio.get_running_loop().time()
    handled_by = {f"w{i}": mine for i, mine in enumerate(figures.handled_by)}
    handled = sum(len(mine) for mine in figures.handled_by)
    metrics["items_handled"] = handled
    metrics["handled_by"] = handled_by
    metrics["producer_blocked_s"] = float(figures.producer_blocked)
    metrics["max_queue_depth"] = figures.max_depth
    metrics["throughput_per_s"] = handled / float(elapsed) if elapsed > 0 else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--maxsize", type=int, default=3)
    parser.add_argument("--work", type=float, default=0.02)
    a = parser.parse_args()
    run(backpressure, a.items, a.workers, a.maxsize, a.work)


if __name__ == "__main__":
    main()

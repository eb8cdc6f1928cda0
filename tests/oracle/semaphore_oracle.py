"""Lesson 4's demos as plain asyncio: the oracle for lessons/cpp/04_semaphore.cpp.

Line for line the same programs as the C++ demos (same tasks, same spawn order, same prints), on
asyncio's own Semaphore, Lock and Event. virtual_asyncio runs one on a virtual clock and prints
what it printed, with times and task names, as JSON lines.

    python3 semaphore_oracle.py --demo limit --tasks 10 --limit 3 --work 1.0
"""

import argparse
import asyncio

from virtual_asyncio import run

IO_CALL = 0.1  # the await between reading the counter and writing it back


class Gauge:
    def __init__(self):
        self.inside = 0
        self.most = 0


async def limited_job(i, sem, work, gauge):
    async with sem:
        gauge.inside += 1
        gauge.most = max(gauge.most, gauge.inside)
        print(f"t{i} got a permit ({gauge.inside} running)")
        await asyncio.sleep(work)
        gauge.inside -= 1
        print(f"t{i} done, releasing its permit")


async def limit(metrics, tasks, permits, work):
    sem = asyncio.Semaphore(permits)
    gauge = Gauge()
    jobs = [asyncio.create_task(limited_job(i, sem, work, gauge), name=f"t{i}")
            for i in range(tasks)]
    await asyncio.gather(*jobs)
    metrics["max_concurrency"] = gauge.most
    metrics["makespan_s"] = float(asyncio.get_running_loop().time())


class Counter:
    def __init__(self):
        self.value = 0


async def add_one(who, counter):
    seen = counter.value
    print(f"{who} read {seen}")
    await asyncio.sleep(IO_CALL)
    counter.value = seen + 1
    print(f"{who} wrote {seen + 1}")


async def add_one_locked(who, counter, lock):
    async with lock:
        await add_one(who, counter)


async def lock_demo(metrics, tasks, permits, work):
    loop = asyncio.get_running_loop()

    racy = Counter()
    unlocked = [asyncio.create_task(add_one(f"racy{i}", racy), name=f"racy{i}")
                for i in range(tasks)]
    await asyncio.gather(*unlocked)
    racy_time = loop.time()
    print(f"without a lock: counter = {racy.value}, expected {tasks}")

    safe = Counter()
    lock = asyncio.Lock()
    locked = [asyncio.create_task(add_one_locked(f"safe{i}", safe, lock), name=f"safe{i}")
              for i in range(tasks)]
    await asyncio.gather(*locked)
    print(f"with a lock: counter = {safe.value}, expected {tasks}")

    metrics["expected"] = tasks
    metrics["without_lock"] = racy.value
    metrics["with_lock"] = safe.value
    metrics["lost_updates"] = tasks - racy.value
    metrics["time_without_lock_s"] = float(racy_time)
    metrics["time_with_lock_s"] = float(loop.time() - racy_time)


async def waiter(i, go, work, released_at):
    await go.wait()
    released_at[i] = asyncio.get_running_loop().time()
    print(f"w{i} released")
    await asyncio.sleep(work)


async def latecomer(go, waited):
    loop = asyncio.get_running_loop()
    before = loop.time()
    await go.wait()
    waited.append(loop.time() - before)
    print(f"late: wait() returned after {float(waited[0]):g} s, the event is still set")


async def event_demo(metrics, tasks, permits, work):
    loop = asyncio.get_running_loop()
    go = asyncio.Event()
    released_at = [0] * tasks
    waiters = [asyncio.create_task(waiter(i, go, work, released_at), name=f"w{i}")
               for i in range(tasks)]
    await asyncio.sleep(work)
    set_at = loop.time()
    print("main: set()")
    go.set()
    late_waited = []
    waiters.append(asyncio.create_task(latecomer(go, late_waited), name="late"))
    await asyncio.gather(*waiters)

    metrics["waiters"] = tasks
    metrics["set_at_s"] = float(set_at)
    metrics["released_at_s"] = float(max(released_at))
    metrics["late_wait_s"] = float(late_waited[0])


DEMOS = {"limit": limit, "lock": lock_demo, "event": event_demo}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", choices=sorted(DEMOS), required=True)
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--limit", type=int, default=3)
    parser.add_argument("--work", type=float, default=1.0)
    a = parser.parse_args()
    run(DEMOS[a.demo], a.tasks, a.limit, a.work)


if __name__ == "__main__":
    main()

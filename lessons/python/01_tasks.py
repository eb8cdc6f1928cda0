"""Lesson 1 — tasks: a coroutine runs only when awaited; tasks run on their own, and their
waits overlap.

The asyncio twin of `asynclab run 1`: the same tasks, in the same order, with the same names,
printing the same lines. Each demo runs in a fresh asyncio.run(), so its times start at zero.

    python3 01_tasks.py [--demo ID] [--delays 1.0,1.5,0.5]
"""

import argparse
import asyncio
import math
import sys

NAMES = "ABCDEFGHIJ"  # one name per fetch: --delays lists up to 10


async def fetch(name, delay, finished):
    """A fake network fetch: it only waits. `finished` collects the finishing order."""
    print(f"fetch {name} started ({delay:g} s)")
    await asyncio.sleep(delay)
    print(f"fetch {name} done")
    finished.append(name)
    return name


async def note_running(ran, key, who):
    ran[key] = True
    print(f"{who} is running")


async def coroutine_vs_task(args):
    """Calling a coroutine function runs nothing; create_task() makes a
    task, which the loop starts on its next turn."""
    ran = {"coroutine": False, "task": False}
    # Nothing runs yet:
    coroutine = note_running(ran, "coroutine", "the awaited coroutine")
    task = asyncio.create_task(
        note_running(ran, "task", "the spawned task"), name="spawned")
    print("made a coroutine and spawned a task; neither has run yet")
    await asyncio.sleep(0)  # one loop turn: the spawned task runs now
    print(f"after one loop turn: coroutine ran = {ran['coroutine']}, "
          f"task ran = {ran['task']}")
    figures = {"coroutine_ran_before_await": ran["coroutine"],
               "task_ran_without_await": ran["task"]}
    await coroutine  # only awaiting runs it, inside this task
    await task
    return figures


async def sequential(args):
    """One await after another: each fetch ends before the next starts."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    finished = []
    results = []
    for name, delay in zip(NAMES, args.delays):
        results.append(await fetch(name, delay, finished))
    print(f"results: {', '.join(results)}")
    return {"makespan_s": loop.time() - start, "results": results}


async def concurrent(args):
    """Create them all, then gather: the sleeps overlap, and the results
    come in argument order whatever order the tasks finish in."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    finished = []
    tasks = [asyncio.create_task(fetch(name, delay, finished), name=name)
             for name, delay in zip(NAMES, args.delays)]
    results = await asyncio.gather(*tasks)
    print(f"results: {', '.join(results)} "
          f"(finished {', '.join(finished)})")
    return {"makespan_s": loop.time() - start, "results": results,
            "finish_order": finished}


async def fetch_and_fail(delay):
    await asyncio.sleep(delay)
    raise ConnectionError("connection reset by peer")


async def lifecycle(args):
    """Three ways a task ends: completed (a result), failed (an exception),
    cancelled."""
    longest = max(args.delays)
    finished = []
    tasks = [
        asyncio.create_task(fetch("ok", args.delays[0], finished),
                            name="ok"),
        asyncio.create_task(fetch_and_fail(args.delays[-1]), name="boom"),
        asyncio.create_task(fetch("slow", longest * 10, finished),
                            name="slow"),
    ]
    await asyncio.sleep(longest)
    print("cancelling slow")
    tasks[2].cancel()
    await asyncio.wait(tasks)  # wait() never raises the tasks' exceptions

    states = {}  # task name -> how it ended
    for t in tasks:
        name = t.get_name()
        if t.cancelled():
            states[name] = "cancelled"
            print(f"{name}: cancelled")
        elif t.exception() is not None:  # retrieved: no warning
            states[name] = "failed"
            error = t.exception()
            print(f"{name}: failed with {type(error).__name__}: {error}")
        else:
            states[name] = "completed"
            print(f"{name}: completed with {t.result()}")
    ends = list(states.values())
    return {"completed": ends.count("completed"),
            "failed": ends.count("failed"),
            "cancelled": ends.count("cancelled"), "states": states}


async def first_completed(args):
    """Race them: take the first result, cancel the rest."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    finished = []
    tasks = [asyncio.create_task(fetch(name, delay, finished), name=name)
             for name, delay in zip(NAMES, args.delays)]
    done, pending = await asyncio.wait(
        tasks, return_when=asyncio.FIRST_COMPLETED)
    first_done = loop.time() - start
    # done and pending are sets, which have no order: walk the list.
    winner = next(t for t in tasks if t in done).result()
    print(f"{winner} won; cancelling the {len(pending)} others")
    cancelled = []
    for t in tasks:
        if t in pending:
            t.cancel()
            cancelled.append(t.get_name())
    # Let them finish cancelling before the demo ends (asyncio.wait
    # refuses an empty set).
    if pending:
        await asyncio.wait(pending)
    return {"winner": winner, "first_done_s": first_done,
            "cancelled": cancelled}


DEMOS = {
    "coroutine-vs-task": coroutine_vs_task,
    "sequential": sequential,
    "concurrent": concurrent,
    "lifecycle": lifecycle,
    "first-completed": first_completed,
}


def seconds_list(lo, hi, most, example):
    def parse(text):
        try:
            values = [float(item) for item in text.split(",")]
        except ValueError:
            values = []
        if not values or len(values) > most or not all(
                math.isfinite(v) and lo <= v <= hi for v in values):
            raise argparse.ArgumentTypeError(
                f"'{text}' is not valid; expected a comma-separated list of up to {most} "
                f"seconds from {lo:g} to {hi:g}, like {example}")
        return values
    return parse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], exit_on_error=False)
    parser.add_argument("--demo", action="append", choices=DEMOS, help="run only this demo")
    parser.add_argument("--seed", type=int, default=42, help="unused: nothing here is random")
    parser.add_argument("--delays", type=seconds_list(0, 60, 10, "1.0,1.5,0.5"),
                        default=[1.0, 1.5, 0.5], help="how long each fake fetch takes")
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

"""Lesson 7 (structure) as plain asyncio: the twin of lessons/cpp/07_structure.cpp.

The same children (A, B, C... one per --delays entry; the child at position --fail fails
--fail-at seconds in), spawned in the same order with the same names, printing the same lines.

    python3 07_structure.py --demo taskgroup-fails --delays 0.3,0.5,0.2 --fail 2 --fail-at 0.1
"""

import argparse
import asyncio
import sys

DEMOS = ["gather-fails", "taskgroup-fails", "return-exceptions", "first-exception",
         "exception-group", "lost-task"]


def joined(names):
    return ", ".join(names) if names else "none"


class Child:
    def __init__(self, name, work, ending):
        self.name, self.work, self.ending = name, work, ending


def children_of(knobs, failing=1):
    delays = knobs.delays
    first = min(knobs.fail, len(delays)) - 1  # past the last child: the last
    children = [Child("ABCDE"[i], d, "completes") for i, d in enumerate(delays)]
    for k in range(min(failing, len(delays))):
        c = children[(first + k) % len(delays)]
        c.work = knobs.fail_at
        c.ending = "connection lost" if k == 0 else "bad reply"
    return children


async def work(child, ended):
    try:
        await asyncio.sleep(child.work)
    except asyncio.CancelledError:
        print(f"{child.name} cancelled: cleaning up")
        ended.append(child.name)
        raise
    ended.append(child.name)
    if child.ending == "connection lost":
        print(f"{child.name} fails")
        raise ConnectionError(f"{child.name} lost its connection")
    if child.ending == "bad reply":
        print(f"{child.name} fails")
        raise ValueError(f"{child.name} got a bad reply")
    print(f"{child.name} done")
    return child.name


def spawn_all(children, ended):
    return [asyncio.create_task(work(c, ended), name=c.name) for c in children]


def not_done(tasks):
    return [t.get_name() for t in tasks if not t.done()]


def retrieve_all(tasks):
    for t in tasks:
        if not t.cancelled():
            t.exception()


async def gather_fails(knobs):
    ended = []
    tasks = spawn_all(children_of(knobs), ended)
    try:
        await asyncio.gather(*tasks)
        print("caller: every child completed")
    except Exception as e:
        print(f"caller: heard {type(e).__name__}: {e}; still running: {joined(not_done(tasks))}")
    await asyncio.wait(tasks)
    retrieve_all(tasks)


async def taskgroup_fails(knobs):
    ended = []
    tasks = []
    try:
        async with asyncio.TaskGroup() as group:
            for c in children_of(knobs):
                tasks.append(group.create_task(work(c, ended), name=c.name))
        print("caller: every child completed")
    except ExceptionGroup as eg:
        first = eg.exceptions[0]
        print(f"caller: heard {type(first).__name__}: {first}; "
              f"still running: {joined(not_done(tasks))}")


async def return_exceptions(knobs):
    ended = []
    tasks = spawn_all(children_of(knobs), ended)
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    shown = [type(o).__name__ if isinstance(o, BaseException) else o for o in outcomes]
    print(f"caller: outcomes {joined(shown)}")


async def first_exception(knobs):
    ended = []
    tasks = spawn_all(children_of(knobs), ended)
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    done_names = [t.get_name() for t in tasks if t in done]  # sets: list them in argument order
    print(f"caller: wait returned; done {joined(done_names)}, pending {joined(not_done(tasks))}")
    pending = [t for t in tasks if t in pending]
    for t in pending:
        t.cancel()
    if pending:  # asyncio.wait refuses an empty set
        await asyncio.wait(pending)
    retrieve_all(tasks)


async def exception_group(knobs):
    ended = []
    try:
        async with asyncio.TaskGroup() as group:
            for c in children_of(knobs, 2):
                group.create_task(work(c, ended), name=c.name)
    except* ConnectionError as eg:
        for e in eg.exceptions:
            print(f"caller: except* ConnectionError: {e}")
    except* ValueError as eg:
        for e in eg.exceptions:
            print(f"caller: except* ValueError: {e}")


async def send_report(name, after):
    await asyncio.sleep(after)
    print(f"{name} fails")
    raise ConnectionError(f"{name} could not reach the server")


async def lost_task(knobs):
    asyncio.create_task(send_report("forgotten", knobs.fail_at), name="forgotten")  # thrown away
    kept = asyncio.create_task(send_report("kept", knobs.fail_at), name="kept")
    try:
        await kept
    except ConnectionError as e:
        print(f"caller: kept task failed with ConnectionError: {e}")


# --- knobs: the same names, defaults, ranges and error lines as `asynclab run 7` -------------

def bad(name, text, expected):
    print(f"--{name}: '{text}' is not valid; expected {expected}", file=sys.stderr)
    sys.exit(2)


def number(name, text, lo, hi, expected, whole=None):
    try:
        v = float(text)
    except ValueError:
        bad(name, whole or text, expected)
    if not lo <= v <= hi or v != v:
        bad(name, whole or text, expected)
    return v


def parse_knobs(argv=None):
    p = argparse.ArgumentParser(description="Lesson 7 (structure) as plain asyncio")
    p.add_argument("--delays", default="0.3,0.5,0.2", help="how long each child (A, B, C...) works")
    p.add_argument("--fail", default="2", help="which child fails, by position (past the last child: the last)")
    p.add_argument("--fail-at", default="0.1", help="how long into its work the failing child fails")
    p.add_argument("--demo", action="append", choices=DEMOS, help="run only this demo (repeatable)")
    p.add_argument("--seed", type=int, default=42, help="unused: this lesson draws nothing")
    a = p.parse_args(argv)
    list_expected = "a comma-separated list of up to 5 seconds from 0 to 5, like 0.3,0.5,0.2"
    items = a.delays.split(",")
    a.delays = [number("delays", t.strip(), 0, 5, list_expected, a.delays) for t in items]
    if len(a.delays) > 5:
        bad("delays", ",".join(items), list_expected)
    fail = number("fail", a.fail, 1, 5, "a whole number from 1 to 5")
    if fail != int(fail):
        bad("fail", a.fail, "a whole number from 1 to 5")
    a.fail = int(fail)
    a.fail_at = number("fail-at", a.fail_at, 0, 5, "seconds from 0 to 5")
    return a


def main():
    knobs = parse_knobs()
    for demo in DEMOS:
        if knobs.demo is None or demo in knobs.demo:
            asyncio.run(globals()[demo.replace("-", "_")](knobs))


if __name__ == "__main__":
    main()

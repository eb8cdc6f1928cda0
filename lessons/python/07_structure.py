"""Lesson 7 — structure: what one failing child does to its siblings, by how they are awaited.

The asyncio twin of `asynclab run 7`: the same children (A, B, C... one per --delays entry; the
child at position --fail fails --fail-at seconds in), created in the same order with the same
names, printing the same lines. Each demo runs in a fresh asyncio.run() and returns its figures.
Needs Python 3.11 (TaskGroup, except*).

    python3 07_structure.py [--demo ID] [--delays 0.3,0.5,0.2] [--fail 2] [--fail-at 0.1]
"""

import argparse
import asyncio
import math
import sys


def joined(names):
    return ", ".join(names) if names else "none"


class Child:
    def __init__(self, name, work, ending):
        self.name, self.work, self.ending = name, work, ending


def children_of(args, failing=1):
    delays = args.delays
    first = min(args.fail, len(delays)) - 1  # past the last child: the last
    children = [Child("ABCDE"[i], d, "completes") for i, d in enumerate(delays)]
    for k in range(min(failing, len(delays))):
        c = children[(first + k) % len(delays)]
        c.work = args.fail_at
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


def states_of(tasks):
    """Each child's final state, by name."""
    return {t.get_name(): "cancelled" if t.cancelled()
            else "failed" if t.exception() is not None else "completed" for t in tasks}


def cancelled_of(tasks):
    return [t.get_name() for t in tasks if t.cancelled()]


def now():
    return asyncio.get_running_loop().time()


def retrieve_all(tasks):
    for t in tasks:
        if not t.cancelled():
            t.exception()


async def gather_fails(args):
    """Plain gather: the caller hears the first failure at once; the siblings run on."""
    start = now()
    ended = []
    tasks = spawn_all(children_of(args), ended)
    figures = {}
    try:
        await asyncio.gather(*tasks)
        print("caller: every child completed")
    except Exception as e:
        print(f"caller: heard {type(e).__name__}: {e}; still running: {joined(not_done(tasks))}")
        figures["error"] = f"{type(e).__name__}: {e}"
    figures["heard_s"] = now() - start
    figures["running_when_heard"] = not_done(tasks)
    await asyncio.wait(tasks)  # only to show them: gather would not
    retrieve_all(tasks)
    figures["end_order"] = ended
    figures["states"] = states_of(tasks)
    return figures


async def taskgroup_fails(args):
    """A TaskGroup cancels the siblings and waits for their cleanup before raising."""
    start = now()
    ended = []
    tasks = []
    figures = {}
    try:
        async with asyncio.TaskGroup() as group:
            for c in children_of(args):
                tasks.append(group.create_task(work(c, ended), name=c.name))
        print("caller: every child completed")
    except ExceptionGroup as eg:
        first = eg.exceptions[0]
        print(f"caller: heard {type(first).__name__}: {first}; "
              f"still running: {joined(not_done(tasks))}")
        figures["error"] = f"{type(first).__name__}: {first}"
    figures["heard_s"] = now() - start
    figures["running_when_heard"] = not_done(tasks)
    figures["end_order"] = ended
    figures["cancelled"] = cancelled_of(tasks)
    figures["states"] = states_of(tasks)
    return figures


async def return_exceptions(args):
    """gather(return_exceptions=True): every outcome, value or exception, in argument order."""
    start = now()
    ended = []
    tasks = spawn_all(children_of(args), ended)
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    shown = [type(o).__name__ if isinstance(o, BaseException) else o for o in outcomes]
    print(f"caller: outcomes {joined(shown)}")
    return {"heard_s": now() - start, "outcomes": shown, "end_order": ended}


async def first_exception(args):
    """wait(FIRST_EXCEPTION) returns done and pending at the first failure and cancels nothing."""
    start = now()
    ended = []
    tasks = spawn_all(children_of(args), ended)
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    done_names = [t.get_name() for t in tasks if t in done]  # sets: list them in argument order
    pending_names = not_done(tasks)
    print(f"caller: wait returned; done {joined(done_names)}, pending {joined(pending_names)}")
    figures = {"returned_s": now() - start, "done": done_names, "pending": pending_names}
    pending = [t for t in tasks if t in pending]
    for t in pending:
        t.cancel()
    if pending:  # asyncio.wait refuses an empty set
        await asyncio.wait(pending)
    retrieve_all(tasks)
    figures["end_order"] = ended
    figures["states"] = states_of(tasks)
    return figures


async def exception_group(args):
    """Two children fail at once: the group carries both; except* handles each kind."""
    start = now()
    ended = []
    tasks = []
    errors = []
    try:
        async with asyncio.TaskGroup() as group:
            for c in children_of(args, 2):
                tasks.append(group.create_task(work(c, ended), name=c.name))
    except* ConnectionError as eg:
        for e in eg.exceptions:
            print(f"caller: except* ConnectionError: {e}")
            errors.append(f"ConnectionError: {e}")
    except* ValueError as eg:
        for e in eg.exceptions:
            print(f"caller: except* ValueError: {e}")
            errors.append(f"ValueError: {e}")
    return {"heard_s": now() - start, "failures": len(errors), "errors": errors, "end_order": ended,
            "cancelled": cancelled_of(tasks), "states": states_of(tasks)}


async def send_report(name, after):
    await asyncio.sleep(after)
    print(f"{name} fails")
    raise ConnectionError(f"{name} could not reach the server")


async def lost_task(args):
    """A task whose reference is thrown away fails with nobody to hear it; asyncio can only log
    'Task exception was never retrieved' when the task is destroyed."""
    start = now()
    loop = asyncio.get_running_loop()
    reports = []

    def count_reports(loop, context):
        if context.get("message") == "Task exception was never retrieved":
            reports.append(context)
        loop.default_exception_handler(context)

    loop.set_exception_handler(count_reports)
    asyncio.create_task(send_report("forgotten", args.fail_at), name="forgotten")  # thrown away
    kept = asyncio.create_task(send_report("kept", args.fail_at), name="kept")
    kept_error = ""
    try:
        await kept
    except ConnectionError as e:
        kept_error = f"ConnectionError: {e}"
        print(f"caller: kept task failed with {kept_error}")
    return {"heard_s": now() - start, "kept_error": kept_error, "unretrieved_reports": len(reports)}


DEMOS = {
    "gather-fails": gather_fails,
    "taskgroup-fails": taskgroup_fails,
    "return-exceptions": return_exceptions,
    "first-exception": first_exception,
    "exception-group": exception_group,
    "lost-task": lost_task,
}


def number(lo, hi, what, whole=False):
    """A knob's value, refused in `asynclab run`'s words."""
    def parse(text):
        try:
            v = float(text)
        except ValueError:
            v = math.nan
        if not (math.isfinite(v) and lo <= v <= hi) or (whole and v != int(v)):
            raise argparse.ArgumentTypeError(f"'{text}' is not valid; expected {what} "
                                             f"from {lo:g} to {hi:g}")
        return int(v) if whole else v
    return parse


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
    parser.add_argument("--delays", type=seconds_list(0, 5, 5, "0.3,0.5,0.2"),
                        default=[0.3, 0.5, 0.2], help="how long each child (A, B, C...) works")
    parser.add_argument("--fail", type=number(1, 5, "a whole number", whole=True), default=2,
                        help="which child fails, by position (past the last child: the last)")
    parser.add_argument("--fail-at", type=number(0, 5, "seconds"), default=0.1,
                        help="how long into its work the failing child fails")
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

"""Lesson 2 — timeouts and cancellation: a timeout cancels the work it guards, the work cleans
up, and only then does the caller hear about it. Cancellation is a request a task can (wrongly)
swallow.

The asyncio twin of `asynclab run 2`: the same tasks, in the same order, with the same names,
printing the same lines. Each demo runs in a fresh asyncio.run(), so its times start at zero.
asyncio.timeout() is new in Python 3.11; lesson 2's text says what to write before that.

    python3 02_timeouts.py [--demo ID] [--timeout 0.05] [--work 10]
"""

import argparse
import asyncio
import math
import sys

STEP = 0.02  # timeout-scope's steps, in seconds


def state(task):
    """How a finished task ended, in the words of `asynclab run`."""
    if task.cancelled():
        return "cancelled"
    return "failed" if task.exception() is not None else "completed"


async def slow_job(work, cleanup):
    """A slow job whose cleanup runs when it is cancelled, before whoever cancelled it goes on."""
    try:
        print(f"job: working for {work:g} s")
        await asyncio.sleep(work)
        print("job: finished")
        return "report.pdf"
    except asyncio.CancelledError:
        print("job: cancelled — closing the connection")
        cleanup["ran"] = True
        raise  # cancellation must go on up, or the job would look completed


async def wait_for(args):
    """wait_for: on timeout the job is cancelled, cleans up, and only then
    does the caller see TimeoutError."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    cleanup = {"ran": False}
    job = asyncio.create_task(slow_job(args.work, cleanup), name="job")
    timed_out = False
    try:
        report = await asyncio.wait_for(job, args.timeout)
        print(f"caller: got {report}")
    except TimeoutError:
        timed_out = True
        print("caller: TimeoutError; the job has already cleaned up: "
              f"{cleanup['ran']}")
    return {"timed_out": timed_out, "finished_s": loop.time() - start,
            "job_state": state(job)}


async def steps(work, done):
    spent = 0
    while spent + STEP <= work:
        await asyncio.sleep(STEP)
        spent += STEP
        done.append(spent)
        print(f"step {len(done)} done")


async def timeout_scope(args):
    """asyncio.timeout(): a deadline over a block of awaits in this task."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    done = []
    timed_out = False
    try:
        async with asyncio.timeout(args.timeout):
            await steps(args.work, done)
    except TimeoutError:
        timed_out = True
        print(f"TimeoutError after {len(done)} steps")
    return {"steps_done": len(done), "timed_out": timed_out,
            "finished_s": loop.time() - start}


async def cancel(args):
    """cancel(): the task stops at its current await, cleans up, and ends
    cancelled, which is not failed."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    cleanup = {"ran": False}
    job = asyncio.create_task(slow_job(args.work, cleanup), name="job")
    await asyncio.sleep(args.timeout)
    cancelled_at = loop.time() - start
    print(f"main: job.cancel() -> {job.cancel()}")
    await asyncio.wait([job])
    print(f"main: job is {state(job)}, cleanup ran: {cleanup['ran']}")
    return {"cancelled_at_s": cancelled_at, "cleanup_ran": cleanup["ran"],
            "state": state(job)}


async def stubborn(work, extra):
    for part in (work, extra):
        try:
            await asyncio.sleep(part)
        except asyncio.CancelledError:  # the pitfall: caught, and not raised again
            print("stubborn: swallowed the cancellation and carried on")
    print("stubborn: finished anyway")
    return 42


async def swallowed_cancel(args):
    """The pitfall: a task that catches CancelledError and carries on as
    if nothing had asked it to stop."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    task = asyncio.create_task(stubborn(args.work, args.timeout),
                               name="stubborn")
    await asyncio.sleep(args.timeout)
    requested_at = loop.time() - start
    task.cancel()
    print("main: cancel() requested")
    result = await task
    print(f"main: the task {state(task)} with {result}")
    return {"cancel_requested_at_s": requested_at, "state": state(task),
            "finished_s": loop.time() - start}


DEMOS = {
    "wait-for": wait_for,
    "timeout-scope": timeout_scope,
    "cancel": cancel,
    "swallowed-cancel": swallowed_cancel,
}


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
    parser.add_argument("--timeout", type=seconds(0, 3600), default=0.05,
                        help="the deadline (and when the cancel demos cancel)")
    parser.add_argument("--work", type=seconds(0, 3600), default=10.0,
                        help="how long the slow job would take")
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

"""Lesson 8 — cache: a crowd on a cold key, and a single-flight cache that holds up.

The asyncio twin of `asynclab run 8`: request i is a task named r<i> asking for key
k<i mod --keys>; a shared fetch is a task named "fetch k<j>". The same tasks in the same order,
printing the same lines. Each demo runs in a fresh asyncio.run() and returns its figures. Whether
a fetch fails is drawn from random.Random(--seed): the same kind of run as the engine's, not the
same numbers (the engine draws from std::mt19937_64).

    python3 08_cache.py [--demo ID] [--requests 12] [--keys 1] [--fetch 0.1] [--ttl 0.1]
                        [--fail-rate 0.7] [--seed 42]
"""

import argparse
import asyncio
import math
import random
import sys

ARRIVAL_GAP = 0.03  # in the ttl and failure demos a request arrives this often


class Cache:
    """single_flight: a miss awaits the fetch in flight for its key instead of starting another.
    flaky: fetches fail with probability --fail-rate (only in the failure demo)."""

    def __init__(self, args, single_flight, flaky=False):
        self.fetch_time = args.fetch
        self.ttl = args.ttl
        self.fail_rate = args.fail_rate if flaky else 0.0
        self.single_flight = single_flight
        self.rng = random.Random(args.seed)  # a fresh one per demo, as each run's loop has
        self.entries = {}  # key -> (value, stored_at)
        self.in_flight = {}  # key -> task
        self.flights = []  # every fetch task started
        self.failed_keys = set()
        self.fetched_by = []  # the requests that started a fetch, in order
        self.counts = dict(fetches=0, failed_fetches=0, hits=0, shared=0, expired=0, served=0,
                           failed_requests=0, retries=0)

    def stored(self, key):
        return key in self.entries

    async def get(self, who, key):
        now = asyncio.get_running_loop().time()
        if key in self.entries:
            value, stored_at = self.entries[key]
            if now < stored_at + self.ttl:
                self.counts["hits"] += 1
                print(f"{who} {key}: hit")
                return value
            self.counts["expired"] += 1
            del self.entries[key]
            print(f"{who} {key}: expired")
        if not self.single_flight:
            self.fetched_by.append(who)
            print(f"{who} {key}: miss, fetching")
            return await self.fetch(key)  # in this request's own task
        if key in self.in_flight:
            self.counts["shared"] += 1
            flight = self.in_flight[key]
            print(f"{who} {key}: miss, joining the fetch in flight")
        else:
            flight = asyncio.create_task(self.fetch(key), name=f"fetch {key}")
            self.in_flight[key] = flight
            self.flights.append(flight)
            self.fetched_by.append(who)
            print(f"{who} {key}: miss, fetching")
        # shield: cancelling this request must not cancel the fetch the others await.
        return await asyncio.shield(flight)

    async def settle(self):
        """Waits for every fetch started: one whose callers all gave up still runs to its end."""
        if self.flights:
            await asyncio.wait(self.flights)

    async def fetch(self, key):
        self.counts["fetches"] += 1
        n = self.counts["fetches"]
        if key in self.failed_keys:
            self.failed_keys.discard(key)
            self.counts["retries"] += 1
        fails = self.rng.random() < self.fail_rate
        try:
            await asyncio.sleep(self.fetch_time)
        finally:
            self.in_flight.pop(key, None)
        if fails:
            self.counts["failed_fetches"] += 1
            self.failed_keys.add(key)
            print(f"fetch {key} failed")
            raise ConnectionError(f"fetch {key} #{n} failed")
        value = f"{key}#{n}"
        self.entries[key] = (value, asyncio.get_running_loop().time())
        print(f"fetch {key} stored {value}")
        return value


async def request(cache, who, key):
    try:
        value = await cache.get(who, key)
        cache.counts["served"] += 1
        print(f"{who} {key}: got {value}")
    except Exception as e:  # not CancelledError: a cancelled request stays cancelled
        cache.counts["failed_requests"] += 1
        print(f"{who} {key}: failed: {e}")


async def crowd(args, cache, gap):
    """Starts every request, request i after gap x i."""
    tasks = []
    for i in range(args.requests):
        if i > 0 and gap > 0:
            await asyncio.sleep(gap)
        who = f"r{i}"
        tasks.append(asyncio.create_task(request(cache, who, f"k{i % args.keys}"), name=who))
    return tasks


def report(cache, start):
    c = cache.counts
    return {"fetches": c["fetches"], "hits": c["hits"], "shared": c["shared"],
            "served": c["served"], "makespan_s": asyncio.get_running_loop().time() - start}


def states_of(tasks):
    return {t.get_name(): "cancelled" if t.cancelled()
            else "failed" if t.exception() is not None else "completed" for t in tasks}


async def naive(args):
    """Every request misses at once, and every one of them fetches."""
    start = asyncio.get_running_loop().time()
    cache = Cache(args, False)
    await asyncio.wait(await crowd(args, cache, 0))
    await cache.settle()
    return {**report(cache, start), "failed_requests": cache.counts["failed_requests"]}


async def single_flight(args):
    """The same crowd through a single-flight cache: one fetch per key."""
    start = asyncio.get_running_loop().time()
    cache = Cache(args, True)
    await asyncio.wait(await crowd(args, cache, 0))
    await cache.settle()
    return {**report(cache, start), "failed_requests": cache.counts["failed_requests"]}


async def ttl(args):
    """Requests trickle in; an entry older than --ttl is fetched again."""
    start = asyncio.get_running_loop().time()
    cache = Cache(args, True)
    await asyncio.wait(await crowd(args, cache, ARRIVAL_GAP))
    await cache.settle()
    return {**report(cache, start), "expired": cache.counts["expired"],
            "fetched_by": cache.fetched_by, "failed_requests": cache.counts["failed_requests"]}


async def failure(args):
    """A failed fetch reaches everyone sharing it and is not kept."""
    start = asyncio.get_running_loop().time()
    cache = Cache(args, True, True)
    await asyncio.wait(await crowd(args, cache, ARRIVAL_GAP))
    await cache.settle()
    c = cache.counts
    return {**report(cache, start), "failed_fetches": c["failed_fetches"],
            "retries": c["retries"], "fetched_by": cache.fetched_by,
            "failed_requests": c["failed_requests"]}


async def cancel_one(args):
    """Halfway through, r0 (which started the first fetch) is cancelled; its fetch runs on."""
    start = asyncio.get_running_loop().time()
    cache = Cache(args, True)
    tasks = await crowd(args, cache, 0)
    await asyncio.sleep(args.fetch / 2)
    if not tasks[0].done():
        print("cancelling r0")
        tasks[0].cancel()
    await asyncio.wait(tasks)
    await cache.settle()
    return {**report(cache, start), "cancelled": [t.get_name() for t in tasks if t.cancelled()],
            "k0_stored": cache.stored("k0"), "states": states_of(tasks),
            "failed_requests": cache.counts["failed_requests"]}


DEMOS = {
    "naive": naive,
    "single-flight": single_flight,
    "ttl": ttl,
    "failure": failure,
    "cancel-one": cancel_one,
}


# --- knobs: the same names, defaults, ranges and error lines as `asynclab run 8` -------------

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


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], exit_on_error=False)
    parser.add_argument("--demo", action="append", choices=DEMOS, help="run only this demo")
    parser.add_argument("--seed", type=int, default=42, help="seeds the fetches' failures")
    parser.add_argument("--requests", type=number(1, 50, "a whole number", whole=True),
                        default=12, help="how many requests (r0, r1...)")
    parser.add_argument("--keys", type=number(1, 10, "a whole number", whole=True), default=1,
                        help="how many different keys they ask for")
    parser.add_argument("--fetch", type=number(0, 2, "seconds"), default=0.1,
                        help="how long the slow service takes to answer")
    parser.add_argument("--ttl", type=number(0, 5, "seconds"), default=0.1,
                        help="how long a cached value stays fresh")
    parser.add_argument("--fail-rate", type=number(0, 1, "a fraction"), default=0.7,
                        help="the chance a fetch fails (in the failure demo)")
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

"""Lesson 8 (cache) as plain asyncio: the twin of lessons/cpp/08_cache.cpp.

Request i is a task named r<i> asking for key k<i mod --keys>; a shared fetch is a task named
"fetch k<j>". The same tasks in the same order, printing the same lines. A fetch's failure is
drawn from the same generator the engine uses (std::mt19937_64, seeded with --seed), so a seed
fails the same fetches here as in `asynclab run 8 --seed S`.

    python3 08_cache.py --demo single-flight --requests 10 --keys 1 --fetch 0.1
"""

import argparse
import asyncio
import sys

DEMOS = ["naive", "single-flight", "ttl", "failure", "cancel-one"]

ARRIVAL_GAP = 0.03  # in the ttl and failure demos a request arrives this often


class Mt19937_64:
    """std::mt19937_64, and the engine's unit() and chance() on top of it (engine random.hpp)."""

    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.mt = [seed & self.MASK]
        for i in range(1, 312):
            prev = self.mt[-1]
            self.mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & self.MASK)
        self.index = 312

    def next(self):
        if self.index >= 312:
            for i in range(312):
                x = (self.mt[i] & 0xFFFFFFFF80000000) | (self.mt[(i + 1) % 312] & 0x7FFFFFFF)
                xa = x >> 1
                if x & 1:
                    xa ^= 0xB5026F5AA96619E9
                self.mt[i] = self.mt[(i + 156) % 312] ^ xa
            self.index = 0
        y = self.mt[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & self.MASK

    def chance(self, p):
        return (self.next() >> 11) * 2.0 ** -53 < p


class Cache:
    """single_flight: a miss awaits the fetch in flight for its key instead of starting another.
    flaky: fetches fail with probability --fail-rate (only in the failure demo)."""

    def __init__(self, knobs, single_flight, flaky=False):
        self.fetch_time = knobs.fetch
        self.ttl = knobs.ttl
        self.fail_rate = knobs.fail_rate if flaky else 0.0
        self.single_flight = single_flight
        self.random = knobs.random
        self.entries = {}  # key -> (value, stored_at)
        self.in_flight = {}  # key -> task
        self.flights = []  # every fetch task started
        self.fetches = 0

    async def get(self, who, key):
        now = asyncio.get_running_loop().time()
        if key in self.entries:
            value, stored_at = self.entries[key]
            if now < stored_at + self.ttl:
                print(f"{who} {key}: hit")
                return value
            del self.entries[key]
            print(f"{who} {key}: expired")
        if not self.single_flight:
            print(f"{who} {key}: miss, fetching")
            return await self.fetch(key)  # in this request's own task
        if key in self.in_flight:
            flight = self.in_flight[key]
            print(f"{who} {key}: miss, joining the fetch in flight")
        else:
            flight = asyncio.create_task(self.fetch(key), name=f"fetch {key}")
            self.in_flight[key] = flight
            self.flights.append(flight)
            print(f"{who} {key}: miss, fetching")
        # shield: cancelling this request must not cancel the fetch the others await.
        return await asyncio.shield(flight)

    async def settle(self):
        """Waits for every fetch started: one whose callers all gave up still runs to its end."""
        if self.flights:
            await asyncio.wait(self.flights)

    async def fetch(self, key):
        self.fetches += 1
        n = self.fetches
        fails = self.random.chance(self.fail_rate)
        try:
            await asyncio.sleep(self.fetch_time)
        finally:
            self.in_flight.pop(key, None)
        if fails:
            print(f"fetch {key} failed")
            raise ConnectionError(f"fetch {key} #{n} failed")
        value = f"{key}#{n}"
        self.entries[key] = (value, asyncio.get_running_loop().time())
        print(f"fetch {key} stored {value}")
        return value


async def request(cache, who, key):
    try:
        value = await cache.get(who, key)
        print(f"{who} {key}: got {value}")
    except Exception as e:  # not CancelledError: a cancelled request stays cancelled
        print(f"{who} {key}: failed: {e}")


async def crowd(knobs, cache, gap):
    tasks = []
    for i in range(knobs.requests):
        if i > 0 and gap > 0:
            await asyncio.sleep(gap)
        who = f"r{i}"
        tasks.append(asyncio.create_task(request(cache, who, f"k{i % knobs.keys}"), name=who))
    return tasks


async def naive(knobs):
    cache = Cache(knobs, False)
    await asyncio.wait(await crowd(knobs, cache, 0))
    await cache.settle()


async def single_flight(knobs):
    cache = Cache(knobs, True)
    await asyncio.wait(await crowd(knobs, cache, 0))
    await cache.settle()


async def ttl(knobs):
    cache = Cache(knobs, True)
    await asyncio.wait(await crowd(knobs, cache, ARRIVAL_GAP))
    await cache.settle()


async def failure(knobs):
    cache = Cache(knobs, True, True)
    await asyncio.wait(await crowd(knobs, cache, ARRIVAL_GAP))
    await cache.settle()


async def cancel_one(knobs):
    cache = Cache(knobs, True)
    tasks = await crowd(knobs, cache, 0)
    await asyncio.sleep(knobs.fetch / 2)
    if not tasks[0].done():
        print("cancelling r0")
        tasks[0].cancel()
    await asyncio.wait(tasks)
    await cache.settle()


# --- knobs: the same names, defaults, ranges and error lines as `asynclab run 8` -------------

def bad(name, text, expected):
    print(f"--{name}: '{text}' is not valid; expected {expected}", file=sys.stderr)
    sys.exit(2)


def number(name, text, lo, hi, unit, whole=False):
    expected = f"{unit} from {lo:g} to {hi:g}"
    try:
        v = float(text)
    except ValueError:
        bad(name, text, expected)
    if v != v or not lo <= v <= hi or (whole and v != int(v)):
        bad(name, text, expected)
    return int(v) if whole else v


def parse_knobs(argv=None):
    p = argparse.ArgumentParser(description="Lesson 8 (cache) as plain asyncio")
    p.add_argument("--requests", default="12", help="how many requests (r0, r1...)")
    p.add_argument("--keys", default="1", help="how many different keys they ask for")
    p.add_argument("--fetch", default="0.1", help="how long the slow service takes to answer")
    p.add_argument("--ttl", default="0.1", help="how long a cached value stays fresh")
    p.add_argument("--fail-rate", default="0.7", help="the chance a fetch fails (in the failure demo)")
    p.add_argument("--demo", action="append", choices=DEMOS, help="run only this demo (repeatable)")
    p.add_argument("--seed", type=int, default=42, help="seeds the fetches' failures")
    a = p.parse_args(argv)
    a.requests = number("requests", a.requests, 1, 50, "a whole number", whole=True)
    a.keys = number("keys", a.keys, 1, 10, "a whole number", whole=True)
    a.fetch = number("fetch", a.fetch, 0, 2, "seconds")
    a.ttl = number("ttl", a.ttl, 0, 5, "seconds")
    a.fail_rate = number("fail-rate", a.fail_rate, 0, 1, "a fraction")
    return a


def main():
    knobs = parse_knobs()
    for demo in DEMOS:
        if knobs.demo is None or demo in knobs.demo:
            knobs.random = Mt19937_64(knobs.seed)  # a fresh generator per demo, as each run's loop
            asyncio.run(globals()[demo.replace("-", "_")](knobs))


if __name__ == "__main__":
    main()

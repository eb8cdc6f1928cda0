"""The checks of the exercise `bounded-fanout` (their words: exercise.toml)."""
import asyncio
import heapq
import math

from asynclab_exercise import check, now, run, scenario


class Service:
    """The learner's `fetch`: each URL takes its own latency (ns, so the clock stays exact).
    Counts the fetches in flight at once, and the tasks alive at once besides the check's own."""

    def __init__(self, latency_ns):
        self.latency_ns = latency_ns  # url -> ns
        self.in_flight = 0
        self.peak = 0
        self.tasks_peak = 0

    async def fetch(self, url):
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self.tasks_peak = max(self.tasks_peak, len(asyncio.all_tasks()) - 1)
        try:
            await asyncio.sleep(self.latency_ns[url] / 1e9)
        finally:
            self.in_flight -= 1
        return value(url)


# The learner's timeline names a task by its coroutine: "fetch", as the learner calls it.
Service.fetch.__qualname__ = "fetch"


def value(url):
    return "{}!".format(url)


def best_makespan_ns(latencies, limit):
    """Each URL, in order, started the moment one of `limit` slots is free."""
    slots = [0] * limit
    end = 0
    for ns in latencies:
        free = heapq.heappop(slots)
        heapq.heappush(slots, free + ns)
        end = max(end, free + ns)
    return end


def fan_out(solution, urls, latencies, limit):
    service = Service(dict(zip(urls, latencies)))

    took = None

    async def main():
        nonlocal took
        start = now()
        got = await solution.fetch_all(list(urls), service.fetch, limit)
        took = now() - start
        return got  # the timeline shows what fetch_all returned, and only that

    got = run(main())
    got = list(got) if got is not None else []
    want = [value(u) for u in urls]
    wrong = next((i for i in range(len(want)) if i >= len(got) or got[i] != want[i]), None)
    if wrong is None and len(got) != len(want):
        wrong = len(want)
    check("values", wrong is None, index=wrong if wrong is not None else 0,
          got=repr(got[wrong]) if wrong is not None and wrong < len(got) else "nothing",
          want=repr(want[wrong]) if wrong is not None and wrong < len(want) else "nothing",
          n=len(got))
    check("peak", service.peak == limit, peak=service.peak, limit=limit)
    return service, took


@scenario("uneven")
def uneven(solution):
    urls = ["u{}".format(i) for i in range(12)]
    latencies = [300_000_000, 100_000_000, 100_000_000] * 4  # one slow URL in every three
    limit = 3
    service, took = fan_out(solution, urls, latencies, limit)
    check("tasks", service.tasks_peak <= limit, tasks=service.tasks_peak, limit=limit,
          n=len(urls))
    if service.peak <= limit:  # with more at once it may end early: "peak" has said why
        expected = best_makespan_ns(latencies, limit) / 1e9
        check("makespan", took == expected, took=took, expected=expected, limit=limit)


@scenario("many")
def many(solution):
    urls = ["u{}".format(i) for i in range(200)]
    latency = 50_000_000
    limit = 10
    service, took = fan_out(solution, urls, [latency] * len(urls), limit)
    check("tasks", service.tasks_peak <= limit, tasks=service.tasks_peak, limit=limit,
          n=len(urls))
    if service.peak <= limit:  # with more at once it may end early: "peak" has said why
        expected = math.ceil(len(urls) / limit) * latency / 1e9
        check("makespan", took == expected, took=took, expected=expected, limit=limit)

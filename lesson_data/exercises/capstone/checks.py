"""The checks of the exercise `capstone` (their words: exercise.toml)."""
import asyncio

from asynclab_exercise import check, findings, now, run, scenario

LATENCY = 0.01
SLOW = 5.0  # how long a "hang" attempt takes to answer: far past every timeout here


class Scripted:
    """A fake service where each URL's attempts go as its script says: "ok" (answers after its
    latency), "fail" (ConnectionError after its latency), "hang" (answers only after SLOW); the
    script's last entry repeats. Notes each attempt's start, how and when it ended, and the most
    attempts in flight at once."""

    def __init__(self, scripts=None, latency=None):
        self.scripts = scripts or {}
        self.latency = latency or {}
        self.starts = {}  # url -> [start of each attempt]
        self.ends = {}  # url -> [("ok" | "failed" | "cancelled", at)]
        self.in_flight = 0
        self.peak = 0

    async def fetch(self, url):
        starts = self.starts.setdefault(url, [])
        ends = self.ends.setdefault(url, [])
        script = self.scripts.get(url, ["ok"])
        what = script[min(len(starts), len(script) - 1)]
        starts.append(now())
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(SLOW if what == "hang" else self.latency.get(url, LATENCY))
        except asyncio.CancelledError:
            ends.append(("cancelled", now()))
            raise
        finally:
            self.in_flight -= 1
        if what == "fail":
            ends.append(("failed", now()))
            raise ConnectionError("{} failed".format(url))
        ends.append(("ok", now()))
        return "{}!".format(url)


def shown(result):
    """A result as the words show it: the value, or the exception's class name."""
    return type(result).__name__ if isinstance(result, BaseException) else repr(result)


def gave(results):
    """What fetch_all gave, as the words show it: its list, or the exception it raised."""
    if isinstance(results, BaseException):
        return "{}: {}".format(type(results).__name__, results)
    if isinstance(results, list):
        return "[{}]".format(", ".join(shown(r) for r in results))
    return repr(results)


def first(results):
    """The first URL's entry, as the words show it."""
    if isinstance(results, list) and results:
        return shown(results[0])
    return gave(results)


def times(values):
    """Times as both languages' words show them, the unit after: [0, 0.11, 0.32]."""
    return "[{}]".format(", ".join("{:g}".format(v) for v in values))


def fetch_all(solution, service, urls, limit=10, timeout=1.0, retries=2, base_delay=0.1):
    """fetch_all's results (or the exception it raised) and the time it returned."""
    took = None

    async def main():
        nonlocal took
        try:
            # The timeline shows the main task's result: only what fetch_all returned.
            return await solution.fetch_all(service.fetch, urls, limit=limit, timeout=timeout,
                                            retries=retries, base_delay=base_delay)
        finally:
            took = now()

    try:
        results = run(main())
    except Exception as e:
        results = e
    return results, took


@scenario("order")
def order(solution):
    urls = ["u1", "u2", "u3", "u4", "u5"]  # the first answers last
    service = Scripted(latency={u: round(0.05 - 0.01 * i, 3) for i, u in enumerate(urls)})
    results, _ = fetch_all(solution, service, urls, limit=5)
    check("order", results == [u + "!" for u in urls], got=gave(results))


@scenario("limit")
def limit(solution):
    urls = ["u{}".format(i) for i in range(1, 10)]
    service = Scripted(latency={u: 0.05 for u in urls})
    _, took = fetch_all(solution, service, urls, limit=3)
    check("peak", service.peak == 3, peak=service.peak, limit=3, urls=len(urls))
    check("makespan", took == 0.15, took=took, due=0.15, urls=len(urls), limit=3, each=0.05)


@scenario("backoff")
def backoff(solution):
    service = Scripted(scripts={"a": ["fail", "fail", "ok"]})
    results, _ = fetch_all(solution, service, ["a", "b"], base_delay=0.1)
    got = first(results)
    starts = service.starts.get("a", [])
    check("retried", got == "'a!'" and len(starts) == 3, got=got, attempts=len(starts))
    due = [0, 0.11, 0.32]  # each failure comes back at +0.01 s, then 0.1 s and 0.2 s of backoff
    check("backoff", starts == due, starts=times(starts), due=times(due), base_delay=0.1)
    blocks = findings("block")  # ["block", at, task, call, ns, file, line]
    first_block = blocks[0] if blocks else ["block", 0, 0, "", 0, "", 0]
    check("no-block", not blocks, call=first_block[3], seconds=first_block[4] / 1e9,
          line=first_block[6])


@scenario("timeout")
def timeout(solution):
    service = Scripted(scripts={"h": ["hang", "ok"]})
    results, _ = fetch_all(solution, service, ["h"], timeout=0.2, base_delay=0.1)
    ends = service.ends.get("h", [])
    how, at = ends[0] if ends else ("never started", 0)
    check("cancelled", how == "cancelled" and at == 0.2, at=at, timeout=0.2, slow=SLOW)
    starts = service.starts.get("h", [])
    got = first(results)
    check("retried", got == "'h!'" and starts == [0, 0.3], got=got, starts=times(starts),
          due=times([0, 0.3]))


@scenario("gives-up")
def gives_up(solution):
    service = Scripted(scripts={"bad": ["fail"]})
    urls = ["bad", "ok1", "ok2"]
    results, _ = fetch_all(solution, service, urls, retries=2)
    attempts = len(service.starts.get("bad", []))
    check("attempts", attempts == 3, attempts=attempts, retries=2)
    got = gave(results)
    check("error", isinstance(results, list) and len(results) == 3
          and isinstance(results[0], ConnectionError), got=got)
    check("others", isinstance(results, list) and results[1:] == ["ok1!", "ok2!"], got=got)


@scenario("slot-wait")
def slot_wait(solution):
    urls = ["a", "b", "c"]  # one slot: b waits 0.15 s for it, c waits 0.3 s, over the timeout
    latency = {"a": 0.15, "b": 0.15, "c": 0.01}
    service = Scripted(latency=latency)
    results, _ = fetch_all(solution, service, urls, limit=1, timeout=0.2, base_delay=0.1)
    attempts = sum(len(service.starts.get(u, [])) for u in urls)
    cancelled = sum(1 for u in urls for how, _ in service.ends.get(u, []) if how == "cancelled")
    check("slot-wait", results == [u + "!" for u in urls] and attempts == len(urls),
          got=gave(results), attempts=attempts, urls=len(urls), cancelled=cancelled,
          longest=max(latency.values()), timeout=0.2, waited=latency["a"] + latency["b"])


@scenario("slot-free")
def slot_free(solution):
    service = Scripted(scripts={"a": ["fail", "ok"]})
    fetch_all(solution, service, ["a", "b"], limit=1, base_delay=0.1)
    starts = service.starts.get("b", [])
    # Sooner is not this check's business: with no limit at all b starts at 0 ("limit" tells).
    check("slot-free", len(starts) == 1 and starts[0] <= 0.01, starts=times(starts),
          due=times([0.01]))

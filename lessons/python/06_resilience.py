"""Lesson 6 — resilience: surviving a flaky service by putting the earlier lessons together.
Each attempt waits for one of --concurrency slots (a semaphore, lesson 4) and runs under a
--timeout (lesson 2); a failed attempt is retried after a backoff that doubles each time,
stretched by a random jitter, and waited out without a slot; and in the second demo a circuit breaker stops calling a service that is down, probes it after a
cooldown, and closes again once it answers.

The asyncio twin of `asynclab run 6`: the same tasks, in the same order, with the same names,
printing the same lines. Each demo runs in a fresh asyncio.run(), so its times start at zero.
Every random choice comes from random.Random(--seed): each URL draws from a generator of its own,
seeded from that one in URL order, so the same seed replays the same run of this program
(asynclab draws from a generator of its own, so its numbers differ).
asyncio has no retry or circuit breaker: both are written out below, as small as they come.
asyncio.timeout() is new in Python 3.11; lesson 6's text says what to write before that.

    python3 06_resilience.py [--demo ID] [--urls 20] [--concurrency 5] [--timeout 0.08]
                             [--retries 2] [--fail-rate 0.25] [--seed 42]
"""

import argparse
import asyncio
import math
import random
import sys

# The breaker demo's scene: a request every 25 ms; the service stops answering at 0.1 s and
# is back at 0.3 s. Three failures in a row open the breaker; 0.1 s later a call may probe.
ARRIVAL_GAP = 0.025
DOWN_FROM = 0.1
DOWN_UNTIL = 0.3
BREAKER_THRESHOLD = 3
BREAKER_COOLDOWN = 0.1
# The backoff after failed attempt k is BASE_DELAY * 2 ** (k - 1): 0.02, 0.04, 0.08 s..., each
# stretched by a random 0-50% (JITTER): clients that fail together would otherwise retry together.
BASE_DELAY = 0.02
JITTER = 0.5


class HTTPError(Exception):
    """The service answered with an error status (httpx raises HTTPStatusError)."""


class CircuitOpenError(Exception):
    """The breaker refused the call: it was never sent."""


class FakeService:
    """The fake service. While `down` it takes requests and never answers them."""

    def __init__(self, fail_rate):
        self.fail_rate = fail_rate
        self.down = False
        self.requests = 0  # requests that reached it
        self.in_flight = 0  # requests it is working on right now
        self.max_in_flight = 0  # the most at once: what --concurrency must bound


class Request:
    """What the service drew for one request, so that the caller can say why it failed."""

    latency = 0
    error = False
    unanswered = False


async def serve(service, request, rng):
    """One request: its answer takes 10 to 60 ms and is an error with --fail-rate, both drawn
    from the URL's generator `rng` as the request arrives."""
    service.requests += 1
    service.in_flight += 1
    service.max_in_flight = max(service.max_in_flight, service.in_flight)
    try:
        request.latency = rng.randint(10, 60) / 1000
        request.error = rng.random() < service.fail_rate
        if service.down:
            request.unanswered = True
            await asyncio.sleep(3600)  # no answer: only the caller's timeout ends this
        await asyncio.sleep(request.latency)
        if request.error:
            raise HTTPError("503 Service Unavailable")
        return "200 OK"
    finally:
        service.in_flight -= 1  # answered, or abandoned by the caller's timeout


async def timed_request(service, limit, request, rng):
    """The request under the per-attempt deadline: when time is up it is cancelled."""
    try:
        async with asyncio.timeout(limit):
            return await serve(service, request, rng)
    except TimeoutError:
        raise TimeoutError(f"timed out after {limit:g} s") from None


class CircuitBreaker:
    """closed: calls go through, and `threshold` failures in a row open it. open: calls fail
    fast. The first call `cooldown` after it opened is a probe (half-open): its success closes
    the breaker, its failure opens it again. A call's outcome counts only in the state that
    let it through; a cancelled call counts neither way."""

    def __init__(self, threshold, cooldown):
        self.threshold = threshold
        self.cooldown = cooldown
        self.state = "closed"
        self.failures = 0
        self.opened_at = 0
        self.rejected = 0  # calls refused without reaching the service
        self.changes = []  # (loop time, from, to)
        self.probing = False
        self.epoch = 0  # which state let a call through

    def _move(self, to):
        self.changes.append((asyncio.get_running_loop().time(), self.state, to))
        self.state = to
        self.epoch += 1
        if to == "closed":
            self.failures = 0

    def _open(self):
        self.opened_at = asyncio.get_running_loop().time()
        self._move("open")

    def _settle(self, epoch, probe, ok):
        if epoch != self.epoch:  # let through by an earlier state: it no longer counts
            return
        if probe:
            self.probing = False
            if ok is True:
                self._move("closed")
            elif ok is False:
                self._open()
        elif ok is True:
            self.failures = 0
        elif ok is False:
            self.failures += 1
            if self.failures >= self.threshold:
                self._open()

    async def call(self, request):
        now = asyncio.get_running_loop().time()
        if self.state == "open" and now >= self.opened_at + self.cooldown:
            self._move("half-open")
        if self.state == "open":
            self.rejected += 1
            raise CircuitOpenError("circuit breaker is open: calls fail fast for another "
                                   f"{self.opened_at + self.cooldown - now:g} s")
        if self.state == "half-open" and self.probing:
            self.rejected += 1
            raise CircuitOpenError("circuit breaker is half-open: a probe call is in flight")
        probe = self.probing = self.state == "half-open"
        epoch = self.epoch
        try:
            answer = await request()
        except asyncio.CancelledError:
            self._settle(epoch, probe, None)
            raise
        except Exception:
            self._settle(epoch, probe, False)
            raise
        self._settle(epoch, probe, True)
        return answer


class Client:
    """What every call in a demo shares."""

    def __init__(self, service, slots, limit, breaker=None):
        self.service = service
        self.slots = slots  # --concurrency of them
        self.limit = limit  # --timeout, per attempt
        self.breaker = breaker


class Stats:
    """One URL's retries, and its own generator: its requests' fates and its backoffs' jitter."""

    def __init__(self, rng):
        self.rng = rng
        self.attempts = 0
        self.backoffs = []


def ms(seconds):
    return int(seconds * 1000)


async def attempt(client, stats):
    """One attempt: wait for a slot, then send the request (through the breaker, if any).
    The attempt counts, and its deadline starts, once the slot is ours: waiting for a turn is
    not the service's fault. The printed line says how the attempt ended, and why."""
    loop = asyncio.get_running_loop()
    async with client.slots:  # a retry waits for its turn like any call
        stats.attempts += 1
        n = stats.attempts
        sent = loop.time()
        request = Request()

        def send():
            return timed_request(client.service, client.limit, request, stats.rng)

        try:
            if client.breaker is not None:
                answer = await client.breaker.call(send)  # may refuse: CircuitOpenError
            else:
                answer = await send()
            print(f"attempt {n}: {answer} in {ms(loop.time() - sent)} ms")
            return answer
        except CircuitOpenError:
            print(f"attempt {n}: refused by the breaker at once, never sent")
            raise
        except TimeoutError:
            waited = loop.time() - sent
            if request.unanswered:
                print(f"attempt {n}: no answer in {ms(waited)} ms, "
                      "timed out (the service is down)")
            elif request.latency <= waited:  # due by then: a tie, and the deadline fires first
                print(f"attempt {n}: timed out at {ms(waited)} ms, "
                      "the very moment its answer was due")
            else:
                print(f"attempt {n}: no answer in {ms(waited)} ms, "
                      f"timed out (the answer needed {ms(request.latency)} ms)")
            raise
        except HTTPError as e:
            print(f"attempt {n}: {e} in {ms(loop.time() - sent)} ms")
            raise


async def with_retries(call, retries, stats, retryable=(Exception,)):
    """Up to `retries` more attempts after a failed one, the backoff doubling each time and
    stretched by the jitter. The backoff is slept outside the semaphore: a URL waiting to retry
    leaves its slot to another. CancelledError is no Exception: a cancelled attempt is never
    retried."""
    for k in range(1, retries + 2):
        try:
            return await call()
        except retryable:
            if k == retries + 1:
                raise  # the attempts ran out: the last error goes on up
            delay = BASE_DELAY * 2 ** (k - 1)
            stats.backoffs.append(delay + delay * JITTER * stats.rng.random())
            await asyncio.sleep(stats.backoffs[-1])


async def fetch_url(client, retries, stats, retryable=(Exception,)):
    return await with_retries(lambda: attempt(client, stats), retries, stats, retryable)


def url_name(i, urls):
    return f"url-{i + 1:0{max(2, len(str(urls)))}}"


def report(outcomes, stats, names, service):
    """The figures both demos report, and one line naming each URL that failed and why."""
    failures = []
    for name, outcome, s in zip(names, outcomes, stats):
        if isinstance(outcome, Exception):
            failures.append(f"{name} after {s.attempts} attempt{'' if s.attempts == 1 else 's'}: "
                            f"{type(outcome).__name__}: {outcome}")
    ok = len(outcomes) - len(failures)
    print(f"{ok} of {len(outcomes)} URLs ok, {len(failures)} failed")
    for f in failures:
        print(f"  failed: {f}")
    attempts = [s.attempts for s in stats]
    return {"ok": ok, "failed": len(failures), "attempts_total": sum(attempts),
            "attempts": attempts, "requests": service.requests,
            "max_concurrency": service.max_in_flight}


async def retry(args):
    """Flaky fetches: all at once, at most --concurrency in flight, each
    attempt under --timeout, failed ones retried with backoff.
    gather(return_exceptions=True) waits for them all: one URL failing for
    good does not stop the others."""
    rng = random.Random(args.seed)
    service = FakeService(args.fail_rate)
    client = Client(service, asyncio.Semaphore(args.concurrency),
                    args.timeout)
    stats = [Stats(random.Random(rng.getrandbits(64))) for _ in range(args.urls)]
    names = [url_name(i, args.urls) for i in range(args.urls)]
    calls = [asyncio.create_task(fetch_url(client, args.retries, s),
                                 name=name)
             for name, s in zip(names, stats)]
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    return report(outcomes, stats, names, service)


async def outage(service):
    """The service stops answering, and later comes back."""
    await asyncio.sleep(DOWN_FROM)
    service.down = True
    print("the service goes down: requests now get no answer")
    await asyncio.sleep(DOWN_UNTIL - DOWN_FROM)
    service.down = False
    print("the service is back up")


async def breaker(args):
    """The same client with a circuit breaker around each request, and a
    service that goes down for a while. A refused call is not retried: the
    breaker has just said the service is down, and the caller should fall
    back (a cached page, a default) rather than ask again."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    # It fails only by being down: --fail-rate is the retry demo's.
    rng = random.Random(args.seed)
    service = FakeService(0.0)
    the_breaker = CircuitBreaker(BREAKER_THRESHOLD, BREAKER_COOLDOWN)
    client = Client(service, asyncio.Semaphore(args.concurrency),
                    args.timeout, the_breaker)
    retryable = (TimeoutError, HTTPError)  # not CircuitOpenError

    service_task = asyncio.create_task(outage(service), name="service")
    stats = []
    names = []
    calls = []
    for i in range(args.urls):
        if i > 0:
            await asyncio.sleep(ARRIVAL_GAP)
        stats.append(Stats(random.Random(rng.getrandbits(64))))
        names.append(url_name(i, args.urls))
        calls.append(asyncio.create_task(
            fetch_url(client, args.retries, stats[i], retryable),
            name=names[-1]))
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    await service_task
    figures = report(outcomes, stats, names, service)
    figures["rejected"] = the_breaker.rejected
    figures["state_changes"] = [{"t_s": t - start, "from": old, "to": new}
                                for t, old, new in the_breaker.changes]
    figures["final_state"] = the_breaker.state
    figures["failure_threshold"] = BREAKER_THRESHOLD
    figures["cooldown_s"] = BREAKER_COOLDOWN
    return figures


DEMOS = {"retry": retry, "breaker": breaker}


def number(lo, hi, what, whole=False):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and lo <= value <= hi and (not whole or value == int(value))):
            raise argparse.ArgumentTypeError(
                f"'{text}' is not valid; expected {what} from {lo:g} to {hi:g}")
        return int(value) if whole else value
    return parse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], exit_on_error=False)
    parser.add_argument("--demo", action="append", choices=DEMOS, help="run only this demo")
    parser.add_argument("--seed", type=int, default=42, help="seed for every random choice")
    parser.add_argument("--urls", type=number(1, 1000, "a whole number", whole=True),
                        default=20, help="how many fake fetches")
    parser.add_argument("--concurrency", type=number(1, 100, "a whole number", whole=True),
                        default=5, help="fetches at once at most")
    parser.add_argument("--timeout", type=number(0.001, 60, "seconds"), default=0.08,
                        help="the deadline of each attempt")
    parser.add_argument("--retries", type=number(0, 10, "a whole number", whole=True),
                        default=2, help="retries after a failed attempt")
    parser.add_argument("--fail-rate", type=number(0, 1, "a fraction"), default=0.25,
                        help="the chance an attempt fails")
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

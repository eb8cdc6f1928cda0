"""The checks of the exercise `breaker` (their words: exercise.toml).

One client calls every GAP seconds and awaits each call, so every call's start time is exact: the
third failure in a row comes back at 0.2 s + the service's latency, 0.21 s, and the breaker opens
then; COOLDOWN later (0.66 s) the call at 0.7 s is the first that may probe. COOLDOWN sits between
call times, so it does not matter whether the learner times it from the failing call's start or
its end."""
import asyncio

from asynclab_exercise import FakeService, check, now, run, scenario

THRESHOLD = 3
COOLDOWN = 0.45
GAP = 0.1
LATENCY = (0.01, 0.01)


def service(down):
    return FakeService(seed=1, latency=LATENCY, down=down)


async def one_call(solution, breaker, svc, log):
    """A call, logged as (start, outcome, reached the service, seconds it took, raised): the
    outcome is the value call returned, or the name of the exception it raised."""
    before = svc.calls
    start = now()
    raised = True
    try:
        outcome = await breaker.call("k")
        raised = False
    except solution.CircuitOpen:
        outcome = "CircuitOpen"
    except Exception as e:
        outcome = type(e).__name__
    log.append((start, outcome, svc.calls > before, round(now() - start, 6), raised))


async def client(solution, breaker, svc, calls, log):
    """`calls` calls, one every GAP seconds from the scenario's time 0."""
    for i in range(calls):
        await asyncio.sleep(max(0.0, round(i * GAP, 3) - now()))
        await one_call(solution, breaker, svc, log)


def make(solution, svc):
    return solution.Breaker(svc.fetch, threshold=THRESHOLD, cooldown=COOLDOWN)


def between(log, first, last):
    """The logged calls that started from `first` to `last` seconds (both included)."""
    return [c for c in log if first - 1e-9 <= c[0] <= last + 1e-9]


# Each list is sent in both languages' words, as `calls` and `calls_zh` (`outcomes`,
# `outcomes_zh`): in Chinese, {calls} in the words shows calls_zh.
def shown(calls):
    """Calls as the English words show them: `at 0.3 s CircuitOpen, at 0.4 s returned 'k!'`."""
    return ", ".join("at {:g} s {}".format(c[0], outcome(c, "returned")) for c in calls) \
        or "nothing"


def shown_zh(calls):
    """Calls as the Chinese words show them: `0.3 秒 CircuitOpen、0.4 秒返回 'k!'`."""
    return "、".join("{:g} 秒{}".format(c[0], outcome(c, "返回", " ")) for c in calls) or "无"


def outcome(c, returned, space=""):
    return space + c[1] if c[4] else "{} {!r}".format(returned, c[1])


def outcomes(calls, separator):
    return separator.join(c[1] if c[4] else repr(c[1]) for c in calls)


def listed(calls):
    """The figures a list of calls is sent as."""
    return {"calls": shown(calls), "calls_zh": shown_zh(calls)}


def refused(calls):
    return [c for c in calls if c[1] == "CircuitOpen"]


@scenario("opens")
def opens(solution):
    svc = service(down=[(0, 100)])  # down throughout
    log = []
    run(client(solution, make(solution, svc), svc, 7, log))
    last = round(THRESHOLD * GAP, 6)  # the call after the threshold's failures
    first = between(log, 0, last)
    check("opens", [c[1] for c in first] == ["ConnectionError"] * 3 + ["CircuitOpen"],
          threshold=THRESHOLD, last=last, **listed(first))
    window = (last, 0.6)
    while_open = between(log, *window)
    reached = [c for c in while_open if c[2]]
    check("fail-fast",
          not reached and len(refused(while_open)) == len(while_open)
          and all(c[3] == 0 for c in while_open),
          reached=len(reached), open_calls=len(while_open), first=window[0], last=window[1],
          **listed(while_open),
          took=max([c[3] for c in while_open] or [0]))


@scenario("resets")
def resets(solution):
    # Two failures, a success, two failures, a success, two failures: never three in a row.
    svc = service(down=[(0, 0.15), (0.25, 0.45), (0.55, 0.75)])
    log = []
    run(client(solution, make(solution, svc), svc, 8, log))
    check("stays-closed", not refused(log) and all(c[2] for c in log),
          refused=len(refused(log)), threshold=THRESHOLD, **listed(log))


@scenario("recovers")
def recovers(solution):
    svc = service(down=[(0, 0.3)])  # the first three calls fail, then it is up again
    log = []
    run(client(solution, make(solution, svc), svc, 11, log))
    first, at = 0.3, 0.7  # open from the third failure; the call at 0.7 s is the first after it
    window = between(log, first, at)
    probe = between(log, at, at)
    check("probe",
          refused(window) == window[:-1] and not any(c[2] for c in window[:-1])
          and len(probe) == 1 and probe[0][2] and probe[0][1] == "k!",
          cooldown=COOLDOWN, threshold=THRESHOLD, first=first, last=at, **listed(window))
    first, last = round(at + GAP, 6), 1.0
    after = between(log, first, last)
    check("closes", after and all(c[1] == "k!" and c[2] for c in after), probe=at, first=first,
          last=last, **listed(after))


@scenario("probe-fails")
def probe_fails(solution):
    svc = service(down=[(0, 1.0)])  # the probe at 0.7 s fails; the next, at 1.2 s, succeeds
    log = []
    run(client(solution, make(solution, svc), svc, 16, log))
    first, last = 0.7, 1.1  # the probe, then the calls within its cooldown
    window = between(log, first, last)
    check("reopens",
          window and window[0][2] and window[0][1] == "ConnectionError"
          and refused(window) == window[1:] and not any(c[2] for c in window[1:]),
          cooldown=COOLDOWN, first=first, last=last, **listed(window))
    first, last = 1.2, 1.5  # the second probe, then calls that go through
    again = between(log, first, last)
    check("probes-again", again and all(c[1] == "k!" and c[2] for c in again),
          cooldown=COOLDOWN, first=first, last=last, **listed(again))


BURSTS = (0.7, 0.8)  # five callers at once, when it may probe; then once it closed


@scenario("one-probe")
def one_probe(solution):
    svc = service(down=[(0, 0.3)])
    bursts = []

    async def main():
        breaker = make(solution, svc)
        await client(solution, breaker, svc, 3, [])  # three failures: open at 0.21 s
        for at in BURSTS:
            await asyncio.sleep(at - now())
            log = []
            before = svc.calls
            await asyncio.gather(*(one_call(solution, breaker, svc, log) for _ in range(5)))
            bursts.append((log, svc.calls - before))

    run(main())
    (probe, reached), (closed, _) = bursts
    check("one-probe", reached == 1 and len(refused(probe)) == len(probe) - 1,
          reached=reached, callers=len(probe), at=BURSTS[0], outcomes=outcomes(probe, ", "),
          outcomes_zh=outcomes(probe, "、"))
    check("closed", all(c[1] == "k!" for c in closed), callers=len(closed), at=BURSTS[1],
          outcomes=outcomes(closed, ", "), outcomes_zh=outcomes(closed, "、"))

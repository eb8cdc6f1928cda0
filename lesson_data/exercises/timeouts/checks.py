"""The checks of the exercise `timeouts` (their words: exercise.toml)."""
import asyncio

from asynclab_exercise import check, now, run, scenario

CONNECT_TIMEOUT = 0.1
READ_TIMEOUT = 0.2
AFTER = 0.3  # how long a scenario goes on after fetch: a step left running is still waiting then
NEVER = None  # a step's latency when the host never gets that far


class Service:
    """A fake service whose hosts take a fixed time to connect and to send their page, or never
    do (NEVER: the step waits on an event nobody sets, so a fetch without a timeout hangs and
    the check says so). It notes how each step ended: ("done" | "cancelled", at)."""

    def __init__(self, connect, read):
        self.latency = {"connect": connect, "read": read}
        self.ended = {}

    def __repr__(self):
        return "<fake service>"

    async def step(self, what):
        try:
            if self.latency[what] is NEVER:
                await asyncio.Event().wait()
            await asyncio.sleep(self.latency[what])
        except asyncio.CancelledError:
            self.ended[what] = ("cancelled", now())
            raise
        self.ended[what] = ("done", now())

    async def connect(self, host):
        await self.step("connect")
        return Connection(self, host)


class Connection:
    def __init__(self, service, host):
        self.service = service
        self.host = host

    def __repr__(self):
        return "<connection to {}>".format(self.host)

    async def read(self):
        await self.service.step("read")
        return "{} page".format(self.host)


def outcome(result):
    """What fetch gave, as the words show it: the value, or the exception's class name."""
    return type(result).__name__ if isinstance(result, BaseException) else repr(result)


def attempt(solution, host, connect, read):
    """fetch against one host: (what it returned or raised, when it ended, when the scenario
    ended, the service)."""
    service = Service(connect, read)
    took = end = None

    async def main():
        nonlocal took, end
        error = None
        try:
            got = await solution.fetch(service, host, CONNECT_TIMEOUT, READ_TIMEOUT)
        except Exception as e:
            error = e
        took = now()
        await asyncio.sleep(AFTER)
        end = now()
        if error is not None:
            raise error  # the timeline shows the main task's end: only what fetch gave
        return got

    try:
        got = run(main())
    except Exception as e:
        got = e
    return got, took, end, service


def timed_out(solution, scenario_host, what, connect, read, error, due):
    got, took, end, service = attempt(solution, scenario_host, connect, read)
    check("error", isinstance(got, error), got=outcome(got))
    check("time", took == due, took=took, due=due)
    # A step fetch never started was not left running either: "error" and "time" tell of that.
    how, at = service.ended.get(what, ("never started", took))
    check("cancelled", how == "never started" or at <= took, took=took, still=end)


@scenario("fast")
def fast(solution):
    got, took, _, _ = attempt(solution, "fast.example", 0.02, 0.03)
    check("page", got == "fast.example page" and took == 0.05, got=outcome(got), took=took)


@scenario("each-within")
def each_within(solution):
    got, took, _, _ = attempt(solution, "steady.example", 0.09, 0.19)
    check("page", got == "steady.example page", got=outcome(got), took=took,
          connect=0.09, read=0.19, connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT)


@scenario("slow-connect")
def slow_connect(solution):
    timed_out(solution, "down.example", "connect", NEVER, NEVER, solution.ConnectTimeout,
              CONNECT_TIMEOUT)


@scenario("slow-read")
def slow_read(solution):
    timed_out(solution, "stuck.example", "read", 0.08, NEVER, solution.ReadTimeout,
              round(0.08 + READ_TIMEOUT, 6))

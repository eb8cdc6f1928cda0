"""The checks of the exercise `timeouts` (their words: exercise.toml)."""
import asyncio

from asynclab_exercise import check, now, run, scenario

CONNECT_TIMEOUT = 0.1
READ_TIMEOUT = 0.2
AFTER = 2.0  # how long a scenario goes on after fetch: a step left running would end in it


class Service:
    """A fake service whose hosts take a fixed time to connect and to send their page. It notes
    how each step ended: ("done" | "cancelled", at)."""

    def __init__(self, connect, read):
        self.latency = {"connect": connect, "read": read}
        self.ended = {}

    async def step(self, what):
        try:
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

    async def read(self):
        await self.service.step("read")
        return "{} page".format(self.host)


def outcome(result):
    """What fetch gave, as the words show it: the value, or the exception's class name."""
    return type(result).__name__ if isinstance(result, BaseException) else repr(result)


def attempt(solution, host, connect, read):
    """fetch against one host: (what it returned or raised, when it ended, the service)."""
    service = Service(connect, read)

    async def main():
        try:
            got = await solution.fetch(service, host, CONNECT_TIMEOUT, READ_TIMEOUT)
        except Exception as e:
            got = e
        took = now()
        await asyncio.sleep(AFTER)
        return got, took

    got, took = run(main())
    return got, took, service


def timed_out(solution, scenario_host, what, connect, read, error, other, due):
    got, took, service = attempt(solution, scenario_host, connect, read)
    check("error", isinstance(got, error) and not isinstance(got, other), got=outcome(got))
    check("time", took == due, took=took, due=due)
    # A step fetch never started was not left running either: "error" and "time" tell of that.
    how, at = service.ended.get(what, ("never started", took))
    check("cancelled", how != "done" and at <= took, ended=at, took=took)


@scenario("fast")
def fast(solution):
    got, took, _ = attempt(solution, "fast.example", 0.02, 0.03)
    check("page", got == "fast.example page" and took == 0.05, got=outcome(got), took=took)


@scenario("each-within")
def each_within(solution):
    got, took, _ = attempt(solution, "steady.example", 0.09, 0.19)
    check("page", got == "steady.example page", got=outcome(got), took=took,
          connect=0.09, read=0.19, connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT)


@scenario("slow-connect")
def slow_connect(solution):
    timed_out(solution, "down.example", "connect", 1.0, 0.03, solution.ConnectTimeout,
              solution.ReadTimeout, CONNECT_TIMEOUT)


@scenario("slow-read")
def slow_read(solution):
    timed_out(solution, "stuck.example", "read", 0.08, 1.0, solution.ReadTimeout,
              solution.ConnectTimeout, round(0.08 + READ_TIMEOUT, 6))

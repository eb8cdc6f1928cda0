"""The checks of the exercise `lost-exception` (their words: exercise.toml)."""
import asyncio
import os

from asynclab_exercise import check, findings, now, run, scenario

ORDERS = ["o1", "o2", "o3"]
SAVE_NS = 100_000_000


class Shop:
    """The learner's `save` and `send_report`: each save takes SAVE_NS; the report takes
    `report_ns`, then fails with ConnectionError if `fails`."""

    def __init__(self, report_ns, fails=False):
        self.report_ns = report_ns
        self.fails = fails
        self.saved = 0  # saves run to their end
        self.report_done = False  # the report ran to its end (sent, or failed)

    async def save(self, order):
        await asyncio.sleep(SAVE_NS / 1e9)
        self.saved += 1
        return value(order)

    async def send_report(self, orders):
        await asyncio.sleep(self.report_ns / 1e9)
        self.report_done = True
        if self.fails:
            raise ConnectionError("the mail server is down")


# The learner's timeline names a task by its coroutine: "send_report", as the learner calls it.
Shop.save.__qualname__ = "save"
Shop.send_report.__qualname__ = "send_report"


def value(order):
    return "{}!".format(order)


def play(solution, shop):
    """end_of_day(ORDERS, ...): what it returned or raised, when, and how many orders were saved."""

    got = took = saved = report_done = None

    async def main():
        nonlocal got, took, saved, report_done
        start = now()
        try:
            got = await solution.end_of_day(list(ORDERS), shop.save, shop.send_report)
        except Exception as e:
            got = e
        took, saved, report_done = now() - start, shop.saved, shop.report_done
        # The timeline shows what end_of_day returned, and only that.
        return None if isinstance(got, BaseException) else got

    run(main())
    return got, took, saved, report_done


def shown(got):
    """What end_of_day gave back, as the words show it."""
    return type(got).__name__ if isinstance(got, BaseException) else repr(got)


def is_report_failure(got):
    """The ConnectionError itself, or a group (a TaskGroup's) holding only it."""
    if isinstance(got, ConnectionError):
        return True
    inner = getattr(got, "exceptions", None)
    return bool(inner) and all(is_report_failure(e) for e in inner)


@scenario("report-slow")
def report_slow(solution):
    report_ns = 500_000_000
    shop = Shop(report_ns)
    got, took, _, report_done = play(solution, shop)
    want = [value(o) for o in ORDERS]
    check("saved", got == want, got=shown(got), want=repr(want))
    check("report-sent", report_done, took=took, report=report_ns / 1e9)
    expected = max(len(ORDERS) * SAVE_NS, report_ns) / 1e9
    check("on-time", took == expected, took=took, expected=expected,
          saves=len(ORDERS) * SAVE_NS / 1e9, report=report_ns / 1e9)


@scenario("report-fails")
def report_fails(solution):
    report_ns = 150_000_000
    shop = Shop(report_ns, fails=True)
    got, took, saved, _ = play(solution, shop)
    check("raises", is_report_failure(got), got=shown(got), t=report_ns / 1e9)
    check("saves-done", saved == len(ORDERS), saved=saved, n=len(ORDERS), took=took)
    lost = findings("unretrieved")
    first = lost[0] if lost else ["unretrieved", 0, "", "", "", 0]
    check("retrieved", not lost, error=first[2], site="{}:{}".format(os.path.basename(first[4]),
                                                                     first[5]))

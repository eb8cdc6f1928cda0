"""The checks of the exercise `forgot-await` (their words: exercise.toml)."""
import asyncio

from asynclab_exercise import check, findings, now, run, scenario


class Store:
    """A fake database: each save takes `latency` seconds, then keeps the record."""

    def __init__(self, latency):
        self.latency = latency
        self.saved = []

    async def save(self, record):
        await asyncio.sleep(self.latency)
        self.saved.append(record)


@scenario("three")
def three(solution):
    store = Store(latency=0.15)
    records = ["alice", "bob", "carol"]
    pause = 0.1

    seen = {}

    async def main():
        start = now()
        seen["count"] = await solution.save_all(store, records, pause)
        # Read at once: a save still running when save_all returns is not done.
        seen["saved"] = list(store.saved)
        seen["took"] = round(now() - start, 6)

    run(main())
    count, saved, took = seen["count"], seen["saved"], seen["took"]
    check("saved", saved == records, saved=len(saved), total=len(records), got=saved)
    check("count", count == len(records), got=count)
    unawaited = findings("unawaited")
    first = unawaited[0] if unawaited else ["unawaited", "", "", 0]
    check("awaited", not unawaited, name=first[1], line=first[3], count=len(unawaited))
    want = round(len(records) * (store.latency + pause), 6)
    check("time", took == want, took=took, want=want, n=len(records), latency=store.latency,
          pause=pause)

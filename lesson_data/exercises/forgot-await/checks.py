"""The checks of the exercise `forgot-await` (their words: exercise.toml)."""
import asyncio

from asynclab_exercise import check, findings, now, run, scenario


class Store:
    """A fake database: each save takes `latency` seconds, then keeps the record."""

    def __init__(self, latency):
        self.latency = latency
        self.saved = []
        self.starts = []  # when each save began

    async def save(self, record):
        self.starts.append(round(now(), 6))
        await asyncio.sleep(self.latency)
        self.saved.append(record)


@scenario("three")
def three(solution):
    store = Store(latency=0.15)
    records = ["alice", "bob", "carol"]
    pause = 0.1

    saved = took = None

    async def main():
        nonlocal saved, took
        start = now()
        count = await solution.save_all(store, records, pause)
        # Read at once: a save still running when save_all returns is not done.
        saved = list(store.saved)
        took = round(now() - start, 6)
        return count  # the timeline shows what save_all returned, and only that

    count = run(main())
    check("saved", saved == records, saved=len(saved), total=len(records), got=saved)
    check("count", count == len(records), got=count)
    unawaited = findings("unawaited")
    first = unawaited[0] if unawaited else ["unawaited", "", "", 0]
    check("awaited", not unawaited, name=first[1], line=first[3], count=len(unawaited))
    # Total time alone lets the rests all come at the end, or before each save: the start of
    # each save tells. Not sent when no save started: "saved" has said why.
    starts = store.starts
    if starts:
        check("first-at-once", starts[0] == 0, t=starts[0])
    step = round(store.latency + pause, 6)
    gaps = [round(b - a, 6) for a, b in zip(starts, starts[1:])]
    if gaps:
        i = next((i for i, g in enumerate(gaps) if g != step), len(gaps) - 1)
        check("rest-after", gaps[i] == step, prev=i + 1, next=i + 2, gap=gaps[i], want=step,
              latency=store.latency, pause=pause)
    want = round(len(records) * (store.latency + pause), 6)
    check("time", took == want, took=took, want=want, n=len(records), latency=store.latency,
          pause=pause)

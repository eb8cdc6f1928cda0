"""The checks of the exercise `blocking-call` (their words: exercise.toml)."""
import asyncio
import time

from asynclab_exercise import check, findings, now, run, scenario


class Site:
    """A fake web site behind a blocking client (like requests.get): fetch(url) holds its thread
    for the url's latency; a url in `flaky` fails its first request with ConnectionError."""

    def __init__(self, latency, flaky=()):
        self.latency = dict(latency)
        self.flaky = set(flaky)

    def fetch(self, url):
        time.sleep(self.latency[url])
        if url in self.flaky:
            self.flaky.discard(url)
            raise ConnectionError("{} failed".format(url))
        return "<page {}>".format(url)


async def ticker(every, gaps):
    """Ticks every `every` seconds until cancelled; `gaps` gets each wait between its turns."""
    loop = asyncio.get_running_loop()
    last = loop.time()
    try:
        while True:
            await asyncio.sleep(every)
            gaps.append(loop.time() - last)
            last = loop.time()
    except asyncio.CancelledError:
        gaps.append(loop.time() - last)
        raise


@scenario("four-pages")
def four_pages(solution):
    latency = {"a": 0.3, "b": 0.2, "c": 0.4, "d": 0.1}
    flaky = {"b"}
    retry_after = 0.1
    every = 0.05
    site = Site(latency, flaky)
    urls = list(latency)

    gaps = []
    took = None

    async def main():
        nonlocal took
        beat = asyncio.create_task(ticker(every, gaps), name="ticker")
        start = now()
        pages = await solution.fetch_all(site.fetch, urls, retry_after)
        took = round(now() - start, 6)
        beat.cancel()
        await asyncio.wait([beat])
        return pages  # the timeline shows what fetch_all returned, and only that

    pages = run(main())
    gap = round(max(gaps, default=0), 6)
    check("pages", pages == ["<page {}>".format(u) for u in urls], got=pages)
    # Each url's own time: its fetch, and for a flaky one the rest and the second fetch.
    own = {u: latency[u] * (2 if u in flaky else 1) + (retry_after if u in flaky else 0)
           for u in urls}
    want = round(max(own.values()), 6)
    check("together", took == want, took=took, want=want, total=round(sum(own.values()), 6))
    blocks = findings("block")
    first = blocks[0] if blocks else ["block", 0, 0, "", 0, "", 0]
    check("no-block", not blocks, call=first[3], held=round(first[4] / 1e9, 6), line=first[6],
          count=len(blocks))
    check("ticker", gap <= every, gap=gap, every=every)

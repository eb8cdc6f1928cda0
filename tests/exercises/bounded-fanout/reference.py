# The reference solution of `bounded-fanout`: `limit` workers share one iterator of the URLs, so
# at most `limit` tasks exist and each takes the next URL the moment its fetch is done.
import asyncio


async def fetch_all(urls, fetch, limit):
    results = [None] * len(urls)
    todo = iter(enumerate(urls))

    async def worker():
        for i, url in todo:
            results[i] = await fetch(url)

    await asyncio.gather(*(worker() for _ in range(min(limit, len(urls)))))
    return results

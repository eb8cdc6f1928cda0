# expect: uneven/makespan
# Batches of `limit` with gather: never more than `limit` at once, but each batch waits for its
# slowest fetch while the other slots stand idle.
import asyncio


async def fetch_all(urls, fetch, limit):
    results = []
    for i in range(0, len(urls), limit):
        results += await asyncio.gather(*(fetch(url) for url in urls[i:i + limit]))
    return results

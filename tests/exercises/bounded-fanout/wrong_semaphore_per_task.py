# expect: uneven/peak
# A Semaphore made inside each task: every task has its own, so none ever waits.
import asyncio


async def fetch_all(urls, fetch, limit):
    async def one(url):
        async with asyncio.Semaphore(limit):
            return await fetch(url)

    return await asyncio.gather(*(one(url) for url in urls))

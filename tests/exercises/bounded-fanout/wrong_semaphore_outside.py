# expect: uneven/peak
# The semaphore is held while the tasks are created, not around each fetch: it limits nothing.
import asyncio


async def fetch_all(urls, fetch, limit):
    sem = asyncio.Semaphore(limit)
    async with sem:
        tasks = [asyncio.create_task(fetch(url)) for url in urls]
    return await asyncio.gather(*tasks)

# expect: uneven/tasks
# A semaphore around each fetch bounds the fetches, but every task is created up front: with
# thousands of URLs, thousands of tasks wait at once.
import asyncio


async def fetch_all(urls, fetch, limit):
    sem = asyncio.Semaphore(limit)

    async def one(url):
        async with sem:
            return await fetch(url)

    return await asyncio.gather(*(asyncio.create_task(one(url)) for url in urls))

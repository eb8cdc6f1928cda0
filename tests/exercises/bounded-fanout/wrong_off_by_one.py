# expect: uneven/peak
# Waits for a free slot only when more than `limit` are running: limit + 1 run at once.
import asyncio


async def fetch_all(urls, fetch, limit):
    tasks = []
    running = set()
    for url in urls:
        if len(running) > limit:
            _, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        task = asyncio.create_task(fetch(url))
        running.add(task)
        tasks.append(task)
    return await asyncio.gather(*tasks)

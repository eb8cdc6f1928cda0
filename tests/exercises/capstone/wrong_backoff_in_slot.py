# expect: slot-free/slot-free
# The shape of the tutorial's template: the backoff is slept inside `async with`, so a URL
# waiting to retry keeps its slot and the URLs behind it wait too.
import asyncio


async def fetch_all(fetch, urls, limit, timeout, retries, base_delay):
    slots = asyncio.Semaphore(limit)

    async def one(url):
        for k in range(1, retries + 2):
            async with slots:
                try:
                    return await asyncio.wait_for(fetch(url), timeout)
                except Exception as e:
                    if k == retries + 1:
                        return e
                    await asyncio.sleep(base_delay * 2 ** (k - 1))

    return await asyncio.gather(*(one(url) for url in urls))

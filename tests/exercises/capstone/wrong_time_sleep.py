# expect: backoff/no-block
# expect: slot-free/slot-free
# Waits out the backoff with time.sleep: the whole event loop stops, and every other URL with it.
import asyncio
import time


async def fetch_all(fetch, urls, limit, timeout, retries, base_delay):
    slots = asyncio.Semaphore(limit)

    async def one(url):
        for k in range(1, retries + 2):
            try:
                async with slots:
                    return await asyncio.wait_for(fetch(url), timeout)
            except Exception as e:
                if k == retries + 1:
                    return e
            time.sleep(base_delay * 2 ** (k - 1))

    return await asyncio.gather(*(one(url) for url in urls))

# The reference solution of `capstone`: a semaphore for the limit, wait_for for the per-attempt
# timeout, the backoff slept without the slot, gather in the order of the URLs.
import asyncio


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
            await asyncio.sleep(base_delay * 2 ** (k - 1))

    return await asyncio.gather(*(one(url) for url in urls))

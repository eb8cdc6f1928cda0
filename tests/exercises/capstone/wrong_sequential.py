# expect: limit/peak
# expect: limit/makespan
# expect: slot-free/slot-free
# Everything right for one URL, but the URLs are awaited one after another: the limit is never
# reached and the time is the sum of them all.
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

    return [await one(url) for url in urls]

# expect: limit/peak
# expect: limit/makespan
# Timeout, retries and backoff, but no semaphore: every URL is fetched at once, whatever the limit.
import asyncio


async def fetch_all(fetch, urls, limit, timeout, retries, base_delay):
    async def one(url):
        for k in range(1, retries + 2):
            try:
                return await asyncio.wait_for(fetch(url), timeout)
            except Exception as e:
                if k == retries + 1:
                    return e
            await asyncio.sleep(base_delay * 2 ** (k - 1))

    return await asyncio.gather(*(one(url) for url in urls))

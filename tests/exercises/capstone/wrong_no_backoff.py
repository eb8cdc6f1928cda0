# expect: backoff/backoff
# expect: timeout/retried
# Retries at once after a failure: a struggling service is hit again before it could recover.
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

    return await asyncio.gather(*(one(url) for url in urls))

# expect: timeout/cancelled
# expect: timeout/retried
# The limit and the retries, but no timeout per attempt: an attempt that hangs is waited for as
# long as it takes.
import asyncio


async def fetch_all(fetch, urls, limit, timeout, retries, base_delay):
    slots = asyncio.Semaphore(limit)

    async def one(url):
        for k in range(1, retries + 2):
            try:
                async with slots:
                    return await fetch(url)
            except Exception as e:
                if k == retries + 1:
                    return e
            await asyncio.sleep(base_delay * 2 ** (k - 1))

    return await asyncio.gather(*(one(url) for url in urls))

# expect: slot-wait/slot-wait
# The timeout is put around the whole attempt, the wait for a slot included: a URL that waits
# its turn behind slow ones times out before its fetch has even started.
import asyncio


async def fetch_all(fetch, urls, limit, timeout, retries, base_delay):
    slots = asyncio.Semaphore(limit)

    async def attempt(url):
        async with slots:
            return await fetch(url)

    async def one(url):
        for k in range(1, retries + 2):
            try:
                return await asyncio.wait_for(attempt(url), timeout)
            except Exception as e:
                if k == retries + 1:
                    return e
            await asyncio.sleep(base_delay * 2 ** (k - 1))

    return await asyncio.gather(*(one(url) for url in urls))

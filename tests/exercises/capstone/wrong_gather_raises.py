# expect: gives-up/error
# expect: gives-up/others
# Retries right, but the last failure is raised, and gather without return_exceptions passes the
# first one on: fetch_all raises, and the URLs that answered are lost with it.
import asyncio


async def fetch_all(fetch, urls, limit, timeout, retries, base_delay):
    slots = asyncio.Semaphore(limit)

    async def one(url):
        for k in range(1, retries + 2):
            try:
                async with slots:
                    return await asyncio.wait_for(fetch(url), timeout)
            except Exception:
                if k == retries + 1:
                    raise
            await asyncio.sleep(base_delay * 2 ** (k - 1))

    return await asyncio.gather(*(one(url) for url in urls))

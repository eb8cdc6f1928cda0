# The reference solution of `blocking-call`: each fetch on a thread, each rest awaited, all at once.
import asyncio


async def download(fetch, url, retry_after):
    while True:
        try:
            return await asyncio.to_thread(fetch, url)
        except ConnectionError:
            await asyncio.sleep(retry_after)


async def fetch_all(fetch, urls, retry_after):
    return await asyncio.gather(*(download(fetch, url, retry_after) for url in urls))

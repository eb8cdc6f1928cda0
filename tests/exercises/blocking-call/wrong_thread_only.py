# expect: four-pages/no-block
# expect: four-pages/ticker
# Moves the fetch to a thread but keeps time.sleep for the rest: the retry still blocks the loop.
import asyncio
import time


async def download(fetch, url, retry_after):
    while True:
        try:
            return await asyncio.to_thread(fetch, url)
        except ConnectionError:
            time.sleep(retry_after)


async def fetch_all(fetch, urls, retry_after):
    return await asyncio.gather(*(download(fetch, url, retry_after) for url in urls))

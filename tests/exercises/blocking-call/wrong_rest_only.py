# expect: four-pages/together
# expect: four-pages/no-block
# expect: four-pages/ticker
# Makes the rest an asyncio.sleep but still calls the blocking fetch right on the loop.
import asyncio


async def download(fetch, url, retry_after):
    while True:
        try:
            return fetch(url)
        except ConnectionError:
            await asyncio.sleep(retry_after)


async def fetch_all(fetch, urls, retry_after):
    return await asyncio.gather(*(download(fetch, url, retry_after) for url in urls))

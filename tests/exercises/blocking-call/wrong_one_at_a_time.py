# expect: four-pages/together
# Threads and asyncio.sleep, but each download awaited before the next starts: nothing overlaps.
import asyncio


async def download(fetch, url, retry_after):
    while True:
        try:
            return await asyncio.to_thread(fetch, url)
        except ConnectionError:
            await asyncio.sleep(retry_after)


async def fetch_all(fetch, urls, retry_after):
    pages = []
    for url in urls:
        pages.append(await download(fetch, url, retry_after))
    return pages

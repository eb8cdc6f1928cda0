import asyncio
import time


async def download(fetch, url, retry_after):
    while True:
        try:
            return fetch(url)
        except ConnectionError:
            print(f"{url} failed; trying again in {retry_after} s")
            time.sleep(retry_after)


async def fetch_all(fetch, urls, retry_after):
    downloads = [download(fetch, url, retry_after) for url in urls]
    return await asyncio.gather(*downloads)


def slow_fetch(url):
    """A stand-in for a blocking client such as requests.get: it holds its
    thread until the page is there."""
    time.sleep(0.2)
    return f"<page {url}>"


async def main():
    start = time.monotonic()
    pages = await fetch_all(slow_fetch, ["a", "b", "c", "d"], retry_after=0.1)
    print(f"{len(pages)} pages in {time.monotonic() - start:.2f} s")


if __name__ == "__main__":
    asyncio.run(main())

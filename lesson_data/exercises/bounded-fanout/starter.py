import asyncio


async def fetch_all(urls, fetch, limit):
    # One task per URL, all at once: with thousands of URLs, thousands of
    # requests are in flight together. `limit` is ignored.
    tasks = [asyncio.create_task(fetch(url)) for url in urls]
    return await asyncio.gather(*tasks)


async def main():
    async def fetch(url):
        await asyncio.sleep(0.05)
        return "<page {}>".format(url)

    urls = ["https://example.com/{}".format(i) for i in range(5000)]
    pages = await fetch_all(urls, fetch, limit=10)
    print(len(pages), "pages;", pages[0])


if __name__ == "__main__":
    asyncio.run(main())

import asyncio


async def fetch_all(fetch, urls, limit, timeout, retries, base_delay):
    # One URL after another, one attempt each, no timeout: make them run at the
    # same time (at most `limit` at once), with a timeout per attempt and
    # retries with backoff.
    results = []
    for url in urls:
        try:
            results.append(await fetch(url))
        except Exception as e:
            results.append(e)
    return results


async def main():
    import random

    async def flaky_fetch(url):
        await asyncio.sleep(random.uniform(0.01, 0.06))
        if random.random() < 0.25:
            raise ConnectionError(url)
        return {"url": url, "status": 200}

    urls = ["https://example/{}".format(i) for i in range(20)]
    results = await fetch_all(flaky_fetch, urls, limit=5, timeout=0.08,
                              retries=2, base_delay=0.02)
    failed = [r for r in results if isinstance(r, Exception)]
    print("ok", len(results) - len(failed), "failed", len(failed))


if __name__ == "__main__":
    asyncio.run(main())

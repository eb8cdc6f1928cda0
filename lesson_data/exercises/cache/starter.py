import asyncio


class Cache:
    def __init__(self, fetch):
        self.fetch = fetch  # async def fetch(key) -> value

    async def get(self, key):
        # Every call fetches: make concurrent calls for a key share a fetch.
        return await self.fetch(key)


async def main():
    async def slow_fetch(key):
        await asyncio.sleep(0.1)
        return key.upper()

    cache = Cache(slow_fetch)
    print(await asyncio.gather(*(cache.get("a") for _ in range(3))))


if __name__ == "__main__":
    asyncio.run(main())

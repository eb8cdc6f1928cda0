# expect: two-keys/parallel
# One lock around every fetch: one fetch per key, but b waits for a.
import asyncio


class Cache:
    def __init__(self, fetch):
        self.fetch = fetch
        self.values = {}
        self.lock = asyncio.Lock()

    async def get(self, key):
        async with self.lock:
            if key not in self.values:
                self.values[key] = await self.fetch(key)
        return self.values[key]

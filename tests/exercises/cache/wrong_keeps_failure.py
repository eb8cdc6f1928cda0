# expect: failure/retry
# Shares the fetch but keeps a failed task: x can never be fetched again.
import asyncio


class Cache:
    def __init__(self, fetch):
        self.fetch = fetch
        self.tasks = {}

    async def get(self, key):
        if key not in self.tasks:
            self.tasks[key] = asyncio.create_task(self.fetch(key))
        return await self.tasks[key]

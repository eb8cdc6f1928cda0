# The reference solution of `cache`: a task per key, shared by every caller; a failed one dropped.
import asyncio


class Cache:
    def __init__(self, fetch):
        self.fetch = fetch
        self.tasks = {}

    async def get(self, key):
        task = self.tasks.get(key)
        if task is None:
            task = asyncio.create_task(self.fetch(key))
            self.tasks[key] = task
        try:
            return await task
        except Exception:
            if self.tasks.get(key) is task:
                del self.tasks[key]
            raise

# expect: same-key/one-fetch
# Keeps values only: five callers who come before the first fetch ends all fetch.
class Cache:
    def __init__(self, fetch):
        self.fetch = fetch
        self.values = {}

    async def get(self, key):
        if key not in self.values:
            self.values[key] = await self.fetch(key)
        return self.values[key]

import asyncio


class CircuitOpen(Exception):
    """What Breaker.call raises when it refuses a call without sending it."""


class Breaker:
    def __init__(self, fetch, threshold, cooldown):
        self.fetch = fetch  # async def fetch(key) -> value, or raises
        self.threshold = threshold  # failures in a row that open the breaker
        self.cooldown = cooldown  # seconds open before a probe may go through

    async def call(self, key):
        # Every call goes to the service, however often it has just failed:
        # count failures, open, fail fast, and probe after the cooldown.
        return await self.fetch(key)


async def main():
    down = True

    async def flaky_fetch(key):
        await asyncio.sleep(0.01)
        if down:
            raise ConnectionError(key)
        return key.upper()

    breaker = Breaker(flaky_fetch, threshold=3, cooldown=0.5)
    for _ in range(5):
        try:
            print(await breaker.call("a"))
        except Exception as e:
            print(type(e).__name__)


if __name__ == "__main__":
    asyncio.run(main())

# expect: recovers/probe
# expect: recovers/closes
# expect: probe-fails/reopens
# expect: probe-fails/probes-again
# expect: one-probe/one-probe
# expect: one-probe/closed
# Opens after the failures in a row and fails fast, but has no cooldown: once open, open forever.
import asyncio


class CircuitOpen(Exception):
    pass


class Breaker:
    def __init__(self, fetch, threshold, cooldown):
        self.fetch = fetch
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0

    async def call(self, key):
        if self.failures >= self.threshold:
            raise CircuitOpen(key)
        try:
            value = await self.fetch(key)
        except Exception:
            self.failures += 1
            raise
        self.failures = 0
        return value

# expect: resets/stays-closed
# Counts every failure, but a success does not reset the count (only closing after a probe
# does): failures that were never in a row add up and open the breaker.
import asyncio


class CircuitOpen(Exception):
    pass


class Breaker:
    def __init__(self, fetch, threshold, cooldown):
        self.fetch = fetch
        self.threshold = threshold
        self.cooldown = cooldown
        self.state = "closed"
        self.failures = 0
        self.opened_at = 0.0
        self.probing = False

    async def call(self, key):
        now = asyncio.get_running_loop().time()
        if self.state == "open" and now - self.opened_at >= self.cooldown:
            self.state = "half-open"
        if self.state == "open" or (self.state == "half-open" and self.probing):
            raise CircuitOpen(key)
        probe = self.probing = self.state == "half-open"
        try:
            value = await self.fetch(key)
        except Exception:
            self.probing = False
            self.failures += 1
            if probe or self.failures >= self.threshold:
                self.state = "open"
                self.opened_at = asyncio.get_running_loop().time()
            raise
        if probe:
            self.probing = False
            self.state = "closed"
            self.failures = 0
        return value

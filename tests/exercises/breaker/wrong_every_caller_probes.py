# expect: one-probe/one-probe
# Half-open lets every caller through, not one probe: after the cooldown a crowd of callers all
# hit a service that may still be down.
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

    async def call(self, key):
        now = asyncio.get_running_loop().time()
        if self.state == "open":
            if now - self.opened_at < self.cooldown:
                raise CircuitOpen(key)
            self.state = "half-open"
        probe = self.state == "half-open"
        try:
            value = await self.fetch(key)
        except Exception:
            self.failures += 1
            if probe or self.failures >= self.threshold:
                self.state = "open"
                self.opened_at = asyncio.get_running_loop().time()
            raise
        self.state = "closed"
        self.failures = 0
        return value

# The reference solution of `breaker`: closed, open, half-open with one probe at a time.
import asyncio


class CircuitOpen(Exception):
    """What Breaker.call raises when it refuses a call without sending it."""


class Breaker:
    def __init__(self, fetch, threshold, cooldown):
        self.fetch = fetch
        self.threshold = threshold
        self.cooldown = cooldown
        self.state = "closed"
        self.failures = 0
        self.opened_at = 0.0
        self.probing = False

    def _open(self):
        self.state = "open"
        self.opened_at = asyncio.get_running_loop().time()

    async def call(self, key):
        now = asyncio.get_running_loop().time()
        if self.state == "open" and now - self.opened_at >= self.cooldown:
            self.state = "half-open"
        if self.state == "open" or (self.state == "half-open" and self.probing):
            raise CircuitOpen(key)
        probe = self.state == "half-open"
        self.probing = probe
        try:
            value = await self.fetch(key)
        except Exception:
            if probe:
                self.probing = False
                self._open()
            else:
                self.failures += 1
                if self.failures >= self.threshold:
                    self._open()
            raise
        except BaseException:  # cancelled: the probe slot is free again, nothing learned
            if probe:
                self.probing = False
            raise
        if probe:
            self.probing = False
            self.state = "closed"
        self.failures = 0
        return value

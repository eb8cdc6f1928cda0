import asyncio
import time
from time import monotonic


async def main():
    t0, p0, m0, w0 = time.monotonic(), time.perf_counter(), monotonic(), time.time()
    await asyncio.sleep(0.25)
    print(time.monotonic() - t0, time.perf_counter() - p0, monotonic() - m0,
          round(time.time() - w0, 6))


asyncio.run(main())

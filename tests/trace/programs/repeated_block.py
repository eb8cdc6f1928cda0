import asyncio
import time


async def step(n):
    for _ in range(n):
        time.sleep(0.1)
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(step(2), step(1))


asyncio.run(main())

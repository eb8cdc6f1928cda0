import asyncio
import time


def blocking(n):
    time.sleep(0.5)
    return n


async def main():
    print(await asyncio.to_thread(blocking, 7))


asyncio.run(main())

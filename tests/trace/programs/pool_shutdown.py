import asyncio
import time


def blocking(n):
    time.sleep(0.5)
    return n


async def main():
    print(await asyncio.to_thread(blocking, 7))
    # What asyncio.run does from Python 3.13 on: join the pool on a thread, under a timeout.
    await asyncio.wait_for(asyncio.get_running_loop().shutdown_default_executor(), 300)
    print("joined")


asyncio.run(main())

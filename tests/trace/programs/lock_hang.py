import asyncio

async def careless(lock):
    await lock.acquire()
    print("got the lock, never giving it back")

async def polite(lock):
    async with lock:
        print("never printed")

async def main():
    lock = asyncio.Lock()
    a = asyncio.create_task(careless(lock), name="careless")
    b = asyncio.create_task(polite(lock), name="polite")
    await asyncio.gather(a, b)

asyncio.run(main())

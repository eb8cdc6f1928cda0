import asyncio, time

async def fetch():
    await asyncio.sleep(0.1)

async def boom():
    raise ValueError("bad input")

async def main():
    fetch()
    asyncio.create_task(boom())
    await asyncio.sleep(0.2)
    time.sleep(0.5)
    await asyncio.sleep(0.1)

asyncio.run(main())

import asyncio

async def worker(q):
    while True:
        item = await q.get()
        print("got", item)

async def main():
    q = asyncio.Queue()
    w = asyncio.create_task(worker(q), name="worker")
    for i in range(2):
        await q.put(i)
    await q.join()

asyncio.run(main())

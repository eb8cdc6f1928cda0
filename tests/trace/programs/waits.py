import asyncio


async def worker(name, sem, lock, event, queue):
    await event.wait()
    async with sem:
        await asyncio.sleep(0.1)
    async with lock:
        await asyncio.sleep(0.05)
    await queue.put(name)


async def main():
    sem, lock, event = asyncio.Semaphore(1), asyncio.Lock(), asyncio.Event()
    queue = asyncio.Queue(maxsize=1)
    tasks = [asyncio.create_task(worker(f"w{i}", sem, lock, event, queue), name=f"w{i}")
             for i in range(2)]
    await asyncio.sleep(0.1)
    event.set()
    await asyncio.sleep(0.5)
    print(await queue.get(), await queue.get())
    await asyncio.wait_for(tasks[0], 1)
    await tasks[1]


asyncio.run(main())

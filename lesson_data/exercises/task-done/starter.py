import asyncio


async def worker(queue, handle, failed):
    while True:
        item = await queue.get()
        try:
            await handle(item)
        except Exception:
            failed.append(item)
        # ...and the queue is never told this item is done.


async def process(items, handle, workers=3):
    queue = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    failed = []
    tasks = [asyncio.create_task(worker(queue, handle, failed)) for _ in range(workers)]
    await queue.join()  # waits until every item put is marked done
    return failed


async def main():
    async def handle(item):
        await asyncio.sleep(0.1)
        if item == "c":
            raise ValueError("cannot handle c")
        print("handled", item)

    print("failed:", await process(list("abcdefg"), handle))


if __name__ == "__main__":
    asyncio.run(main())

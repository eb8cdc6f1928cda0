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
    tasks = [asyncio.create_task(worker(queue, handle, failed))
             for _ in range(workers)]
    await queue.join()  # waits until every item put is marked done
    return failed


async def main():
    async def handle(item):
        await asyncio.sleep(0.1)
        if item == "c":
            raise ValueError("cannot handle c")
        print("handled", item)

    # A guard for the demo only: as written, process never returns.
    try:
        failed = await asyncio.wait_for(process(list("abcdefg"), handle), 2.0)
    except asyncio.TimeoutError:
        print("process has not returned after 2 s, yet no worker is busy:")
        print("queue.join() is still waiting for items to be marked done")
        return
    print("failed:", failed)


if __name__ == "__main__":
    asyncio.run(main())

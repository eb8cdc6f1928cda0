# expect: failure/returns
# task_done() only after handle succeeded: the item that raises is never marked done, so join()
# waits forever.
import asyncio


async def worker(queue, handle, failed):
    while True:
        item = await queue.get()
        try:
            await handle(item)
            queue.task_done()
        except Exception:
            failed.append(item)


async def process(items, handle, workers=3):
    queue = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    failed = []
    tasks = [asyncio.create_task(worker(queue, handle, failed)) for _ in range(workers)]
    await queue.join()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return failed

# The reference solution of `task-done`: task_done() in finally, once per item taken; the workers
# cancelled and awaited once join() returns.
import asyncio


async def worker(queue, handle, failed):
    while True:
        item = await queue.get()
        try:
            await handle(item)
        except Exception:
            failed.append(item)
        finally:
            queue.task_done()


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

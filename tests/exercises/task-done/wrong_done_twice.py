# expect: all-ok/handled-once
# expect: all-ok/on-time
# task_done() after handle and again in finally: each item counts twice, so join() returns when
# half the work is done (and the next call raises ValueError in a worker).
import asyncio


async def worker(queue, handle, failed):
    while True:
        item = await queue.get()
        try:
            await handle(item)
            queue.task_done()
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

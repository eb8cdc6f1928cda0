# expect: all-ok/workers-stopped
# task_done() in finally, but the workers are never stopped: they wait in get() forever.
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
    for _ in range(workers):
        asyncio.create_task(worker(queue, handle, failed))
    await queue.join()
    return failed

# expect: cancel/cancelled
# expect: timeout/raises
# Catches CancelledError, cleans up and returns: it stops, but its task is not cancelled, and
# wait_for returns None instead of raising TimeoutError.
import asyncio


async def worker(conn):
    while True:
        try:
            job = await conn.next_job()
            await conn.handle(job)
        except asyncio.CancelledError:
            conn.close()
            return
        except Exception:
            conn.log("a job failed; going on")

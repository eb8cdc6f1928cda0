# The reference solution of `swallowed-cancel`: a failed job caught as an Exception, so a cancel
# goes through; close() in finally.
import asyncio


async def worker(conn):
    try:
        while True:
            job = await conn.next_job()
            try:
                await conn.handle(job)
            except Exception:
                conn.log(f"job {job} failed")
    finally:
        conn.close()

# expect: cancel/stops
# expect: timeout/ends
# Fixes the outer except to Exception but keeps a bare except around handle: a cancel that comes
# while a job is handled is still swallowed.
import asyncio


async def worker(conn):
    try:
        while True:
            try:
                job = await conn.next_job()
            except Exception:
                conn.log("no job")
                continue
            try:
                await conn.handle(job)
            except:  # noqa: E722
                conn.log(f"job {job} failed")
    finally:
        conn.close()

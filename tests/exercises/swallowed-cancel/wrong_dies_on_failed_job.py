# expect: cancel/keeps-going
# Lets every exception through, the cancel and the failed job alike: job 2's ValueError ends
# the worker long before anyone cancels it.
import asyncio


async def worker(conn):
    try:
        while True:
            job = await conn.next_job()
            await conn.handle(job)
    finally:
        conn.close()

import asyncio
import os
import sys


async def worker(conn):
    try:
        while True:
            try:
                job = await conn.next_job()
                await conn.handle(job)
            except:  # one bad job must not stop the worker
                conn.log("a job failed; going on")
    finally:
        conn.close()


class DemoConn:
    """A stand-in job source for the demo: a job every 0.1 s; job 2 is bad."""

    def __init__(self):
        self.n = 0

    async def next_job(self):
        await asyncio.sleep(0.1)
        self.n += 1
        return self.n

    async def handle(self, job):
        await asyncio.sleep(0.1)
        if job == 2:
            raise ValueError(f"job {job} is bad")
        print(f"job {job} done")

    def log(self, message):
        print(message)

    def close(self):
        print("connection closed")


async def main():
    task = asyncio.create_task(worker(DemoConn()))
    await asyncio.sleep(0.75)
    task.cancel()
    await asyncio.wait([task], timeout=1.0)
    if task.cancelled():
        print("the worker stopped when it was cancelled")
    else:
        print("the worker is still running a second after task.cancel()",
              flush=True)
        sys.stderr.flush()
        os._exit(1)  # asyncio.run would wait for it forever


if __name__ == "__main__":
    asyncio.run(main())

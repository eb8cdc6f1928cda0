"""The workload of `asynclab trace`'s budget (issue 16, item 7): 10,000 tasks, each yielding to
the loop three times, gathered. Plain asyncio: no sleep that the virtual clock would skip and the
real one would wait for, so both runs do the same work and only the recording differs."""

import asyncio
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


async def work(i):
    for _ in range(3):
        await asyncio.sleep(0)
    return i


async def main():
    tasks = [asyncio.create_task(work(i)) for i in range(N)]
    results = await asyncio.gather(*tasks)
    print(sum(results))


asyncio.run(main())

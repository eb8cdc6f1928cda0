import asyncio
import sys


async def main():
    print(" ".join(sys.argv[1:]))


asyncio.run(main())

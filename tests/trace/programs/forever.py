import asyncio


async def main():
    print("ready")
    await asyncio.sleep(3600)


asyncio.run(main())

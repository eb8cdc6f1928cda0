import asyncio


async def main():
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    server.close()


asyncio.run(main())

import asyncio


class ConnectTimeout(Exception):
    """What fetch raises when connecting took longer than connect_timeout."""


class ReadTimeout(Exception):
    """What fetch raises when reading took longer than read_timeout."""


async def fetch(service, host, connect_timeout, read_timeout):
    # No timeout at all: a host that never answers keeps this waiting forever.
    conn = await service.connect(host)
    return await conn.read()


class DemoService:
    """A host that connects in 0.05 s and takes 3 s to send its page."""

    async def connect(self, host):
        await asyncio.sleep(0.05)
        return self

    async def read(self):
        await asyncio.sleep(3)
        return "<html>...</html>"


async def main():
    try:
        page = await fetch(DemoService(), "example.org",
                           connect_timeout=0.1, read_timeout=0.5)
        print(page)
    except (ConnectTimeout, ReadTimeout) as e:
        print(type(e).__name__, e)


if __name__ == "__main__":
    asyncio.run(main())

# expect: slow-connect/error
# expect: slow-read/error
# Times each step, but swallows the timeout and returns None: the caller cannot tell a host that
# is down from one that is slow, or from an empty page.
import asyncio


class ConnectTimeout(Exception):
    pass


class ReadTimeout(Exception):
    pass


async def fetch(service, host, connect_timeout, read_timeout):
    try:
        conn = await asyncio.wait_for(service.connect(host), connect_timeout)
        return await asyncio.wait_for(conn.read(), read_timeout)
    except asyncio.TimeoutError:
        return None

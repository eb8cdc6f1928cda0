# expect: slow-connect/time
# expect: slow-read/time
# Each step has its own timeout, but the two are swapped: connect waits read_timeout, read waits
# connect_timeout.
import asyncio


class ConnectTimeout(Exception):
    pass


class ReadTimeout(Exception):
    pass


async def fetch(service, host, connect_timeout, read_timeout):
    try:
        conn = await asyncio.wait_for(service.connect(host), read_timeout)
    except asyncio.TimeoutError:
        raise ConnectTimeout(host) from None
    try:
        return await asyncio.wait_for(conn.read(), connect_timeout)
    except asyncio.TimeoutError:
        raise ReadTimeout(host) from None

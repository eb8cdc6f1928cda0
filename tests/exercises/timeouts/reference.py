# The reference solution of `timeouts`: one wait_for per step, each with its own timeout.
# asyncio.wait_for (not asyncio.timeout, new in 3.11) so that it runs on Python 3.9 too.
import asyncio


class ConnectTimeout(Exception):
    """What fetch raises when connecting took longer than connect_timeout."""


class ReadTimeout(Exception):
    """What fetch raises when reading took longer than read_timeout."""


async def fetch(service, host, connect_timeout, read_timeout):
    try:
        conn = await asyncio.wait_for(service.connect(host), connect_timeout)
    except asyncio.TimeoutError:
        raise ConnectTimeout(host) from None
    try:
        return await asyncio.wait_for(conn.read(), read_timeout)
    except asyncio.TimeoutError:
        raise ReadTimeout(host) from None

# expect: slow-connect/time
# expect: slow-read/time
# One wait_for around both steps, with one total budget: a host that never connects is waited
# for the read's time too, and a read gets whatever the connect left over.
import asyncio


class ConnectTimeout(Exception):
    pass


class ReadTimeout(Exception):
    pass


async def fetch(service, host, connect_timeout, read_timeout):
    conn = None

    async def both():
        nonlocal conn
        conn = await service.connect(host)
        return await conn.read()

    try:
        return await asyncio.wait_for(both(), connect_timeout + read_timeout)
    except asyncio.TimeoutError:
        raise (ReadTimeout if conn is not None else ConnectTimeout)(host) from None

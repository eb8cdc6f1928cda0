# expect: slow-connect/cancelled
# expect: slow-read/cancelled
# asyncio.wait with a timeout gives up waiting at the right time and raises the right error, but
# does not cancel the step: it goes on running for nobody.
import asyncio


class ConnectTimeout(Exception):
    pass


class ReadTimeout(Exception):
    pass


async def fetch(service, host, connect_timeout, read_timeout):
    connecting = asyncio.ensure_future(service.connect(host))
    done, _ = await asyncio.wait({connecting}, timeout=connect_timeout)
    if not done:
        raise ConnectTimeout(host)
    reading = asyncio.ensure_future(connecting.result().read())
    done, _ = await asyncio.wait({reading}, timeout=read_timeout)
    if not done:
        raise ReadTimeout(host)
    return reading.result()

# expect: three/awaited
# expect: three/time
# Awaits the save but not the rest: the store gets every record, with no pause between them.
import asyncio


async def save_all(store, records, pause):
    saved = 0
    for record in records:
        await store.save(record)
        asyncio.sleep(pause)
        saved += 1
    return saved

# expect: three/saved
# expect: three/time
# Silences the warning with create_task but never waits for the tasks: the last save is still
# running when save_all returns.
import asyncio


async def save_all(store, records, pause):
    saved = 0
    for record in records:
        asyncio.create_task(store.save(record))
        await asyncio.sleep(pause)
        saved += 1
    return saved

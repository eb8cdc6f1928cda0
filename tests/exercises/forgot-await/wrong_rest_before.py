# expect: three/first-at-once
# Rests before each save instead of after it: the total time is right, but the first save
# waits for a pause it does not need.
import asyncio


async def save_all(store, records, pause):
    saved = 0
    for record in records:
        await asyncio.sleep(pause)
        await store.save(record)
        saved += 1
    return saved

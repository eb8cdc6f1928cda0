# The reference solution of `forgot-await`: every save and every rest awaited, one after another.
import asyncio


async def save_all(store, records, pause):
    saved = 0
    for record in records:
        await store.save(record)
        await asyncio.sleep(pause)
        saved += 1
    return saved

# expect: three/rest-after
# Awaits every save, then all the rests in one sleep at the end: the total time is right, but
# the saves come one right after another, with no pause between them.
import asyncio


async def save_all(store, records, pause):
    saved = 0
    for record in records:
        await store.save(record)
        saved += 1
    await asyncio.sleep(pause * len(records))
    return saved

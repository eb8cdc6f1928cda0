import asyncio


async def save_all(store, records, pause):
    saved = 0
    for record in records:
        store.save(record)
        asyncio.sleep(pause)  # the store takes one save per pause
        saved += 1
    return saved


class Store:
    """A stand-in database for the demo: a save takes a little while."""

    def __init__(self):
        self.records = []

    async def save(self, record):
        await asyncio.sleep(0.05)
        self.records.append(record)
        print(f"saved {record}")


async def main():
    store = Store()
    n = await save_all(store, ["alice", "bob", "carol"], pause=0.1)
    print(f"save_all says it saved {n}; the store holds {store.records}")


if __name__ == "__main__":
    asyncio.run(main())

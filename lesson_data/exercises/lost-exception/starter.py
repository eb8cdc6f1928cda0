import asyncio


async def end_of_day(orders, save, send_report):
    # The report goes out in the background, so the saves need not wait for it.
    asyncio.create_task(send_report(orders))
    saved = []
    for order in orders:
        saved.append(await save(order))
    return saved


async def main():
    async def save(order):
        await asyncio.sleep(0.1)
        return "{} saved".format(order)

    async def send_report(orders):
        await asyncio.sleep(0.15)
        raise ConnectionError("the mail server is down")

    print(await end_of_day(["o1", "o2", "o3"], save, send_report))
    print("all good?")


if __name__ == "__main__":
    asyncio.run(main())

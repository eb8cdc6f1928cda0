# The reference solution of `lost-exception`: the report's task is kept and awaited once the
# orders are saved, so its exception reaches the caller and no order is left unsaved.
import asyncio


async def end_of_day(orders, save, send_report):
    report = asyncio.create_task(send_report(orders))
    saved = []
    for order in orders:
        saved.append(await save(order))
    await report
    return saved

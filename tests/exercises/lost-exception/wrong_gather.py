# expect: report-fails/saves-done
# gather raises the report's failure the moment it happens: end_of_day ends while the saves are
# still running, and they are cancelled when the program ends.
import asyncio


async def end_of_day(orders, save, send_report):
    async def save_all():
        return [await save(order) for order in orders]

    saved, _ = await asyncio.gather(save_all(), send_report(orders))
    return saved

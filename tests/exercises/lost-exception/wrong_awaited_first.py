# expect: report-slow/on-time
# expect: report-fails/saves-done
# Awaits the report before saving: its failure reaches the caller, but the saves wait for the
# report, and a failed report stops them.
import asyncio


async def end_of_day(orders, save, send_report):
    await send_report(orders)
    saved = []
    for order in orders:
        saved.append(await save(order))
    return saved

# expect: report-fails/raises
# Awaits the report but swallows its failure: nothing is lost in the loop, yet the caller never
# hears that the report was not sent.
import asyncio


async def end_of_day(orders, save, send_report):
    report = asyncio.create_task(send_report(orders))
    saved = []
    for order in orders:
        saved.append(await save(order))
    try:
        await report
    except Exception:
        pass
    return saved

# expect: report-slow/report-sent
# expect: report-fails/raises
# expect: report-fails/retrieved
# Keeps a reference to the task (so it is not garbage-collected) but never awaits it: the report
# is cut off when the program ends, and its exception is never retrieved.
import asyncio

background = set()


async def end_of_day(orders, save, send_report):
    task = asyncio.create_task(send_report(orders))
    background.add(task)
    task.add_done_callback(background.discard)
    saved = []
    for order in orders:
        saved.append(await save(order))
    return saved

# expect: report-slow/report-sent
# expect: report-fails/raises
# A done callback prints the failure: the exception is retrieved, but the caller is never told,
# and end_of_day returns before the report is sent.
import asyncio


def log_failure(task):
    if not task.cancelled() and task.exception() is not None:
        print("report failed:", task.exception())


async def end_of_day(orders, save, send_report):
    task = asyncio.create_task(send_report(orders))
    task.add_done_callback(log_failure)
    saved = []
    for order in orders:
        saved.append(await save(order))
    return saved

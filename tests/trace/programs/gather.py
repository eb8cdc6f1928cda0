import asyncio
async def fetch(name, d):
    print("start", name)
    await asyncio.sleep(d)
    print("done", name)
    return d
async def main():
    r = await asyncio.gather(fetch("a", 1.0), fetch("b", 1.5), fetch("c", 0.5))
    print(r)
asyncio.run(main())

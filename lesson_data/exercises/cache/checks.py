"""The checks of the exercise `cache` (their words: exercise.toml)."""
import asyncio

from asynclab_exercise import FakeService, check, now, run, scenario


def outcome(result):
    """What a caller got, as the report shows it: the value, or the exception's name."""
    return type(result).__name__ if isinstance(result, BaseException) else result


@scenario("same-key")
def same_key(solution):
    service = FakeService(seed=1)

    async def main():
        cache = solution.Cache(service.fetch)
        return await asyncio.gather(*(cache.get("a") for _ in range(5)))

    got = run(main())
    check("values", got == ["a!"] * 5, got=got)
    check("one-fetch", service.by_key.get("a", 0) == 1, fetches=service.by_key.get("a", 0))


@scenario("later")
def later(solution):
    service = FakeService(seed=2)

    took = None

    async def main():
        nonlocal took
        cache = solution.Cache(service.fetch)
        await cache.get("a")
        start = now()
        value = await cache.get("a")
        took = now() - start
        return value  # the timeline shows what get returned, and only that

    value = run(main())
    check("cached", value == "a!" and service.calls == 1 and took == 0,
          fetches=service.calls, took=round(took, 3))


@scenario("two-keys")
def two_keys(solution):
    service = FakeService(seed=3)

    async def main():
        cache = solution.Cache(service.fetch)
        return await asyncio.gather(cache.get("a"), cache.get("b"), cache.get("a"), cache.get("b"))

    got = run(main())
    check("values", got == ["a!", "b!", "a!", "b!"], got=got)
    check("parallel", service.peak >= 2, peak=service.peak)


@scenario("failure")
def failure(solution):
    service = FakeService(seed=4, down=[(0, 0.001)])  # down while the first fetch starts

    first = again = None

    async def main():
        nonlocal first, again
        cache = solution.Cache(service.fetch)
        first = await asyncio.gather(*(cache.get("x") for _ in range(3)), return_exceptions=True)
        try:
            again = await cache.get("x")
        except Exception as e:
            again = e
            return None
        return again  # the timeline shows what the last get returned, and only that

    run(main())
    check("all-fail", [outcome(r) for r in first] == ["ConnectionError"] * 3,
          got=[outcome(r) for r in first])
    check("retry", again == "x!", got=outcome(again), fetches=service.by_key.get("x", 0))

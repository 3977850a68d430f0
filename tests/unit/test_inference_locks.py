"""One operation per key; other keys run alongside; idle keys are forgotten."""

import asyncio

from clarus_daemon.inference.locks import KeyedLocks


async def test_same_key_waits_other_keys_do_not() -> None:
    locks, order = KeyedLocks(), []

    async def hold(key: str, tag: str, delay: float) -> None:
        async with locks.hold(key):
            order.append(f"{tag}+")
            await asyncio.sleep(delay)
            order.append(f"{tag}-")

    await asyncio.gather(hold("a", "a1", 0.05), hold("a", "a2", 0), hold("b", "b1", 0.01))

    assert order.index("a1-") < order.index("a2+")
    assert order.index("b1+") < order.index("a1-")
    assert len(locks) == 0

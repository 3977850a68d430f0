"""One check per monitor at a time, and at most `workers` checks at all."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from clarus_daemon.errors import Conflict


class MonitorLocks:
    def __init__(self, concurrency: int) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._slots = asyncio.Semaphore(concurrency)

    def busy(self, name: str) -> bool:
        lock = self._locks.get(name)
        return lock is not None and lock.locked()

    @asynccontextmanager
    async def hold(self, name: str, *, wait: bool) -> AsyncIterator[None]:
        """Conflict at once when `name` is being checked and wait is False."""
        lock = self._locks.setdefault(name, asyncio.Lock())
        if lock.locked() and not wait:
            raise Conflict(
                f"A drift check of monitor {name!r} is already running; "
                "ask again with wait=true to wait for it and run another",
                details={"monitor": name},
            )
        async with lock, self._slots:
            yield

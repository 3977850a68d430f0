"""One check per monitor at a time, and at most `workers` checks at all.

"One at a time" holds across processes too: the daemon and `clarus-daemon drift run`
(or a second daemon on the same state directory) take an exclusive lock on a file per
monitor, so two checks never archive the same reference or trigger the DAG twice.
The kernel releases the lock when its holder dies, so a crash leaves nothing stale.
"""

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from clarus_daemon.errors import Conflict

POLL_S = 0.2


def _running(name: str, where: str) -> Conflict:
    return Conflict(
        f"A drift check of monitor {name!r} is already running{where}; "
        "ask again with wait=true to wait for it and run another",
        details={"monitor": name},
    )


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class MonitorLocks:
    def __init__(self, concurrency: int, lock_dir: Path | None = None) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._slots = asyncio.Semaphore(concurrency)
        self._lock_dir = lock_dir

    def busy(self, name: str) -> bool:
        lock = self._locks.get(name)
        return lock is not None and lock.locked()

    @asynccontextmanager
    async def hold(self, name: str, *, wait: bool) -> AsyncIterator[None]:
        """Conflict at once when `name` is being checked and wait is False."""
        lock = self._locks.setdefault(name, asyncio.Lock())
        if lock.locked() and not wait:
            raise _running(name, "")
        async with lock, self._across_processes(name, wait=wait), self._slots:
            yield

    @asynccontextmanager
    async def _across_processes(self, name: str, *, wait: bool) -> AsyncIterator[None]:
        if self._lock_dir is None:
            yield
            return
        self._lock_dir.mkdir(parents=True, exist_ok=True)
        # monitor names are [A-Za-z0-9._-], checked by the settings: a safe file name
        fd = os.open(self._lock_dir / f"drift-{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while not _try_lock(fd):
                if not wait:
                    raise _running(name, " in another process (the CLI or another daemon)")
                await asyncio.sleep(POLL_S)
            yield
        finally:
            os.close(fd)  # closing releases the lock

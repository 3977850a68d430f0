"""One fetch per experiment at a time, within the daemon and across processes.

An asyncio lock orders the daemon's own requests; an flock on a file in the experiment's
directory also keeps `clarus-daemon model pull` and a running daemon from writing the
same experiment at once. A second fetch waits, then usually finds its version there.
"""

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

POLL_S = 0.1
LOCK_FILE = ".lock"


async def _flock(fd: int) -> None:
    # polled, not blocking in a thread: a cancelled wait must not take the lock later
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            await asyncio.sleep(POLL_S)
        else:
            return


class ExperimentLocks:
    def __init__(self, models_root: Path) -> None:
        self._root = models_root
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def hold(self, exp_id: str) -> AsyncIterator[None]:
        async with self._locks.setdefault(exp_id, asyncio.Lock()):
            fd = await asyncio.to_thread(self._open, exp_id)
            try:
                await _flock(fd)
                yield
            finally:
                os.close(fd)  # closing releases the flock

    def _open(self, exp_id: str) -> int:
        exp_dir = self._root / exp_id
        exp_dir.mkdir(parents=True, exist_ok=True)
        return os.open(exp_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)

"""The one door for CPU work: a process pool whose workers hold pandas and Evidently.

Workers start with `spawn`, not `fork`: forking the daemon would copy its event
loop, sockets and threads into the child. They ignore SIGINT (a Ctrl-C in a
terminal reaches the whole process group; the daemon decides when they stop),
run with Evidently's telemetry off, at a lower CPU priority (a check is batch work;
on a busy two-core edge box the API must win), and import the heavy modules once,
up front.
"""

import asyncio
import functools
import importlib
import logging
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from typing import ParamSpec, TypeVar

from clarus_daemon.drift.errors import WorkerFailed
from clarus_daemon.errors import DaemonError

log = logging.getLogger("clarus_daemon.drift.workers")

P = ParamSpec("P")
T = TypeVar("T")

PRELOADED = ("pandas", "evidently", "clarus_daemon.drift.detect")
NICENESS = 10


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(NICENESS)
    os.environ["DO_NOT_TRACK"] = "1"
    for module in PRELOADED:
        importlib.import_module(module)


class WorkerPool:
    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        )

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """fn(*args) in a worker; DaemonErrors propagate, anything else is WorkerFailed."""
        executor = self._executor
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(executor, functools.partial(fn, *args, **kwargs))
        except BrokenProcessPool as err:
            self._replace(executor)
            raise WorkerFailed(
                "The drift worker process died (out of memory or killed); "
                "a new one will serve the next check."
            ) from err
        except DaemonError:
            raise
        except Exception as err:
            log.error("%s failed in a worker", getattr(fn, "__name__", fn), exc_info=err)
            raise WorkerFailed(f"The drift worker failed: {type(err).__name__}: {err}") from err

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        # several callers may see the same broken pool; replace it once
        if self._executor is broken:
            log.error("drift worker pool broke; starting a new one")
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new_executor()

    async def shutdown(self, timeout_s: float) -> None:
        """Cancel queued work, let running checks end for timeout_s, then stop workers."""
        executor = self._executor
        try:
            await asyncio.wait_for(
                asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True), timeout_s
            )
        except TimeoutError:
            log.warning("drift workers still busy after %.0f s; terminating them", timeout_s)
            for process in list((executor._processes or {}).values()):
                process.terminate()


@asynccontextmanager
async def open_worker_pool(workers: int, shutdown_timeout_s: float) -> AsyncIterator[WorkerPool]:
    pool = WorkerPool(workers)
    try:
        yield pool
    finally:
        await pool.shutdown(shutdown_timeout_s)

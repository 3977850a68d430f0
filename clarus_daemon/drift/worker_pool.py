"""The one door for CPU work: worker processes holding pandas, numpy and scipy.

Workers start with `spawn`, not `fork`: forking the daemon would copy its event
loop, sockets and threads into the child. They ignore SIGINT (a Ctrl-C in a
terminal reaches the whole process group; the daemon decides when they stop),
run with Evidently's telemetry off, at a lower CPU priority (a check is batch work;
on a busy two-core edge box the API must win), and import the heavy modules once,
as soon as they start. The daemon lowers a new worker's priority the moment its
process exists: the child's own start-up (the interpreter, re-importing the
daemon's entry module, pandas, numpy, scipy) takes a second or more of CPU, which
must not compete with the event loop at the daemon's priority.

`workers` processes start with the pool, so the first check finds one ready.
After each task a worker hands its freed memory back (glibc's and Arrow's
allocators keep it otherwise) and serves again if its memory came back to within
KEEP_GROWTH_MB of what it held when it was ready: starting a worker costs a
second or more of CPU (the imports), which a busy two-core box would take from
the API and from the next check. A worker that stays larger (a large check's
fragments, Evidently imported for a column's test) or has served MAX_TASKS exits,
and a fresh one takes its place at once, started from a thread (starting a
process takes the caller tens of milliseconds the event loop should not lose). A
task arriving when every worker is busy gets a worker of its own, started for it.
"""

import asyncio
import functools
import importlib
import logging
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from clarus_daemon.drift.errors import WorkerFailed
from clarus_daemon.drift.tasks import rss_kib, served, warm_up
from clarus_daemon.errors import DaemonError

log = logging.getLogger("clarus_daemon.drift.workers")

P = ParamSpec("P")
T = TypeVar("T")

PRELOADED = ("numpy", "pandas", "scipy.stats", "scipy.spatial", "clarus_daemon.drift.detect")
NICENESS = 5
KEEP_GROWTH_MB = 64
"""A worker holding more than this over its ready size after a task is replaced."""
MAX_TASKS = 100
"""Tasks one worker serves at most (fragmentation creeps below any threshold)."""


def worker_niceness() -> int:
    """The daemon's own niceness plus NICENESS."""
    return min(os.getpriority(os.PRIO_PROCESS, 0) + NICENESS, 19)


def lower_priority(pid: int, niceness: int) -> None:
    """`niceness` and the batch scheduling policy for `pid` (0: this process); a
    process that is gone already or refuses is left alone."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, niceness)
        os.sched_setscheduler(pid, os.SCHED_BATCH, os.sched_param(0))
    except OSError as err:
        log.debug("cannot lower the priority of process %s: %s", pid, err)


def init_worker(modules: Sequence[str], niceness: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lower_priority(0, niceness)  # in case the daemon's renice came too late
    os.environ["DO_NOT_TRACK"] = "1"
    for module in modules:
        importlib.import_module(module)


@dataclass(eq=False)
class Worker:
    executor: ProcessPoolExecutor
    ready: "Future[int]"
    """The worker's resident memory (KiB) once its modules are imported."""
    tasks: int = 0

    def pid(self) -> int | None:
        return next((p.pid for p in (self.executor._processes or {}).values()), None)

    def reusable(self) -> bool:
        """Alive, served fewer than MAX_TASKS, and its memory back near its ready size."""
        pid = self.pid()
        if pid is None or self.tasks >= MAX_TASKS or not self.ready.done():
            return False
        if self.ready.cancelled() or self.ready.exception() is not None:
            return False
        now_kib = rss_kib(pid)
        return 0 < now_kib <= self.ready.result() + KEEP_GROWTH_MB * 1024


def launch_worker(modules: Sequence[str] = PRELOADED) -> Worker:
    """A one-process executor whose process is starting now (not on first use)."""
    niceness = worker_niceness()
    executor = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(tuple(modules), niceness),
    )
    ready = executor.submit(warm_up)  # starts the process now
    for process in list((executor._processes or {}).values()):
        if process.pid is not None:
            lower_priority(process.pid, niceness)
    return Worker(executor, ready)


def start_worker(modules: Sequence[str] = PRELOADED) -> ProcessPoolExecutor:
    return launch_worker(modules).executor


def stop_worker(executor: ProcessPoolExecutor) -> None:
    """Ends the worker's process once its task is done, without waiting for it."""
    executor.shutdown(wait=False, cancel_futures=True)


def terminate_worker(executor: ProcessPoolExecutor) -> None:
    for process in list((executor._processes or {}).values()):
        process.terminate()
    stop_worker(executor)


async def run_in_worker(
    executor: ProcessPoolExecutor, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """fn(*args) in `executor`; DaemonErrors propagate, anything else is WorkerFailed."""
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(executor, functools.partial(served, fn, *args, **kwargs))
    except BrokenProcessPool as err:
        raise WorkerFailed(
            "The drift worker process died (out of memory or killed); "
            "a new one will serve the next check."
        ) from err
    except DaemonError:
        raise
    except Exception as err:
        log.error("%s failed in a worker", getattr(fn, "__name__", fn), exc_info=err)
        raise WorkerFailed(f"The drift worker failed: {type(err).__name__}: {err}") from err


class WorkerPool:
    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._live: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self) -> Worker:
        worker = launch_worker()
        with self._lock:
            self._live.add(worker)
        return worker

    def _take(self) -> Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            log.info("every drift worker is busy; starting one more for this task")
            return self._start()

    def _done_with(self, worker: Worker) -> None:
        worker.tasks += 1
        with self._lock:
            keep = not self._closed and len(self._live) <= self._workers
        if keep and worker.reusable():
            self._idle.put(worker)
        else:
            self._retire(worker)

    def _retire(self, worker: Worker) -> None:
        stop_worker(worker.executor)
        with self._lock:
            self._live.discard(worker)
            missing = self._workers - len(self._live)
        if missing > 0 and not self._closed:
            threading.Thread(target=self._refill, name="drift-worker-start", daemon=True).start()

    def _refill(self) -> None:
        with self._lock:
            if self._closed or len(self._live) >= self._workers:
                return
        self._idle.put(self._start())

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """fn(*args) in a worker; it serves again if its memory came back, else a fresh
        one takes its place."""
        worker = self._take()
        try:
            result = await run_in_worker(worker.executor, fn, *args, **kwargs)
        except asyncio.CancelledError:
            self._retire(worker)  # still busy with the task nobody waits for
            raise
        except BaseException:
            self._done_with(worker)
            raise
        self._done_with(worker)
        return result

    def processes(self) -> int:
        with self._lock:
            return sum(len(worker.executor._processes or {}) for worker in self._live)

    async def shutdown(self, timeout_s: float) -> None:
        """Cancel queued work, let running tasks end for timeout_s, then stop workers."""
        with self._lock:
            self._closed = True
            executors = [worker.executor for worker in self._live]

        def wait_all() -> None:
            for executor in executors:
                executor.shutdown(wait=True, cancel_futures=True)

        try:
            await asyncio.wait_for(asyncio.to_thread(wait_all), timeout_s)
        except TimeoutError:
            log.warning("drift workers still busy after %.0f s; terminating them", timeout_s)
            for executor in executors:
                terminate_worker(executor)


@asynccontextmanager
async def open_worker_pool(workers: int, shutdown_timeout_s: float) -> AsyncIterator[WorkerPool]:
    pool = WorkerPool(workers)
    try:
        yield pool
    finally:
        await pool.shutdown(shutdown_timeout_s)

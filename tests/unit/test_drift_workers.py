"""The worker pool: how workers are set up, and what a dying worker costs."""

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from clarus_daemon.drift.errors import WorkerFailed
from clarus_daemon.drift.worker_pool import NICENESS, WorkerPool


def worker_facts() -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "do_not_track": os.environ.get("DO_NOT_TRACK"),
        "sigint_ignored": signal.getsignal(signal.SIGINT) is signal.SIG_IGN,
        "preloaded": all(m in sys.modules for m in ("pandas", "scipy.stats")),
        "evidently": "evidently" in sys.modules,
        "niceness": os.nice(0),
        "batch_scheduled": os.sched_getscheduler(0) == os.SCHED_BATCH,
    }


def die() -> None:
    os._exit(3)


def fail() -> None:
    raise KeyError("bug")


async def test_workers_are_separate_low_priority_processes_without_telemetry(
    drift_workers: WorkerPool,
) -> None:
    facts = await drift_workers.run(worker_facts)
    assert facts["pid"] != os.getpid()
    assert facts == {
        **facts,
        "do_not_track": "1",
        "sigint_ignored": True,
        "preloaded": True,
        "evidently": False,
        "batch_scheduled": True,
    }
    assert facts["niceness"] == os.nice(0) + NICENESS


async def test_a_dying_worker_fails_its_task_and_the_pool_recovers() -> None:
    pool = WorkerPool(1)
    try:
        with pytest.raises(WorkerFailed, match="died"):
            await pool.run(die)
        assert (await pool.run(worker_facts))["do_not_track"] == "1"
    finally:
        await pool.shutdown(10)


async def test_an_unexpected_error_in_a_worker_is_worker_failed(drift_workers: WorkerPool) -> None:
    with pytest.raises(WorkerFailed, match="KeyError"):
        await drift_workers.run(fail)


def test_the_daemons_process_never_imports_pandas_or_evidently() -> None:
    code = (
        "import sys\n"
        "from clarus_daemon.app import create_app\n"
        "from clarus_daemon.cli import main\n"
        "from clarus_daemon.drift import pipeline, service, setup, tasks\n"
        "heavy = [m for m in ('pandas', 'evidently', 'numpy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


HOARD: list[bytearray] = []


def hoard() -> None:
    HOARD.append(bytearray(b"x" * (200 << 20)))  # kept: the worker stays 200 MB larger


async def test_the_workers_start_with_the_pool_and_serve_again_while_they_stay_small() -> None:
    pool = WorkerPool(2)
    try:
        assert pool.processes() == 2  # started now, not on the first task
        first = await pool.run(worker_facts)
        second = await pool.run(worker_facts)
        third = await pool.run(worker_facts)
        assert first["pid"] != second["pid"] and third["pid"] == first["pid"]
        assert pool.processes() == 2
    finally:
        await pool.shutdown(10)


async def test_a_worker_that_stays_large_after_a_task_is_replaced() -> None:
    pool = WorkerPool(1)
    try:
        before = await pool.run(worker_facts)
        await pool.run(hoard)
        after = await pool.run(worker_facts)
        assert after["pid"] != before["pid"]
        for _ in range(100):  # the replacement starts from a thread
            if pool.processes() == 1:
                break
            await asyncio.sleep(0.1)
        assert pool.processes() == 1
    finally:
        await pool.shutdown(10)

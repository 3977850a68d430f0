"""Concurrent writers and concurrent checks against real S3: nothing is lost or done twice."""

import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clarus_daemon.clients import open_minio
from clarus_daemon.drift.pipeline import DriftPipeline
from clarus_daemon.drift.service import DriftService
from clarus_daemon.drift.steps import AfterDrift
from clarus_daemon.drift.storage import DatasetStore, ObjectHead
from clarus_daemon.drift.worker_pool import WorkerPool
from clarus_daemon.errors import DaemonError
from clarus_daemon.events import Events
from tests.infra.app_settings import make_settings
from tests.infra.drift_app import NEW_DATA, REFERENCE, monitor, wine
from tests.infra.s3 import S3Bucket, S3Server

pytestmark = pytest.mark.integration

HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


class StoreWithWriter(DatasetStore):
    """The real gateway; `after_copy[prefix]` runs once a copy to such a key is done."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.after_copy: dict[str, Callable[[], None]] = {}

    async def copy(self, source: ObjectHead, key: str, metadata: Any = None) -> None:
        await super().copy(source, key, metadata)
        for prefix in [p for p in self.after_copy if key.startswith(p)]:
            self.after_copy.pop(prefix)()


@pytest.fixture
async def service(
    s3_server: S3Server, s3_bucket: S3Bucket, drift_workers: WorkerPool, tmp_path: Path
) -> AsyncIterator[tuple[DriftService, StoreWithWriter]]:
    settings = make_settings(
        minio=s3_server.minio_settings(),
        drift={"monitors": {"default": monitor(s3_bucket, experiment_id=None, dag_id=None)}},
    )
    async with open_minio(settings) as minio:
        assert minio is not None
        store = StoreWithWriter(minio)
        pipeline = DriftPipeline(store, drift_workers, AfterDrift(store, None, None))
        yield (
            DriftService(
                settings.drift.monitors,
                pipeline,
                Events(),
                concurrency=1,
                lock_dir=tmp_path / "locks",
            ),
            store,
        )


async def test_a_reference_written_after_the_archive_is_not_overwritten(
    service: tuple[DriftService, StoreWithWriter], s3_bucket: S3Bucket
) -> None:
    drift, store = service
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    newer = wine("red") + b"7.0;0.3;0.3;2.0;0.05;30;100;0.99;3.2;0.5;10;6\n"
    store.after_copy["uc_wine/archive/"] = lambda: s3_bucket.put(REFERENCE, newer)

    with pytest.raises(DaemonError) as refused:
        await drift.run("default", trigger="manual", wait=False)

    assert refused.value.details["failed_step"] == "replace_reference"
    assert refused.value.details["cause"]["error"] == "conflict"
    assert s3_bucket.get(REFERENCE) == newer  # the concurrent write survives
    archives = [key for key in s3_bucket.contents() if "/archive/" in key]
    assert [s3_bucket.get(key) for key in archives] == [wine("red")]


@pytest.fixture
def other_process_lock(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """The monitor's lock file held by another process; call the result to end it."""
    lock_file = tmp_path / "locks" / "drift-default.lock"
    lock_file.parent.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock_file)], stdout=subprocess.PIPE, text=True
    )

    def release() -> None:
        holder.kill()
        holder.wait()

    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield release
    finally:
        release()


async def test_a_check_in_another_process_holds_the_monitor(
    service: tuple[DriftService, StoreWithWriter],
    s3_bucket: S3Bucket,
    other_process_lock: Callable[[], None],
) -> None:
    drift, _ = service
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))

    with pytest.raises(DaemonError, match="in another process") as busy:
        await drift.run("default", trigger="manual", wait=False)
    assert busy.value.status == 409
    assert s3_bucket.get(REFERENCE) == wine("red")
    assert not [key for key in s3_bucket.contents() if "/archive/" in key]

    other_process_lock()
    summary = await drift.run("default", trigger="manual", wait=True)
    assert summary.outcome == "drift"

"""Failures between the drift decision and the last step, injected at the S3 gateway:
what a re-run resumes, and when it starts afresh instead."""

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from clarus_daemon.clients import open_minio
from clarus_daemon.drift.errors import ScratchSpaceError, StepFailed
from clarus_daemon.drift.pipeline import DriftPipeline
from clarus_daemon.drift.service import DriftService
from clarus_daemon.drift.steps import AfterDrift
from clarus_daemon.drift.storage import DatasetStore, ObjectHead
from clarus_daemon.drift.worker_pool import WorkerPool
from clarus_daemon.errors import UpstreamUnavailable
from clarus_daemon.events import Events
from tests.infra.app_settings import make_settings
from tests.infra.drift_app import NEW_DATA, REFERENCE, monitor, red_halves, wine
from tests.infra.s3 import S3Bucket, S3Server

pytestmark = pytest.mark.integration


class FlakyStore(DatasetStore):
    """The real gateway, with one failure or side effect planted per destination key."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.before_copy: dict[str, Callable[[], None]] = {}
        self.before_nth_head: dict[tuple[str, int], Callable[[], None]] = {}
        self.heads: dict[str, int] = {}
        self.failing_removes = 0

    async def head(self, bucket: str, key: str) -> ObjectHead:
        self.heads[key] = self.heads.get(key, 0) + 1
        hook = self.before_nth_head.pop((key, self.heads[key]), None)
        if hook is not None:
            hook()
        return await super().head(bucket, key)

    async def copy(self, source: ObjectHead, key: str, metadata: Any = None) -> None:
        for prefix, hook in list(self.before_copy.items()):
            if key.startswith(prefix):
                del self.before_copy[prefix]
                hook()
        await super().copy(source, key, metadata)

    async def remove(self, bucket: str, key: str) -> None:
        if self.failing_removes:
            self.failing_removes -= 1
            raise UpstreamUnavailable("minio", "injected: MinIO went away")
        await super().remove(bucket, key)


def _raise() -> None:
    raise UpstreamUnavailable("minio", "injected: MinIO went away")


@pytest.fixture
async def service_and_store(
    s3_server: S3Server, s3_bucket: S3Bucket, drift_workers: WorkerPool
) -> AsyncIterator[tuple[DriftService, FlakyStore]]:
    settings = make_settings(
        minio=s3_server.minio_settings(),
        drift={"monitors": {"default": monitor(s3_bucket, experiment_id=None, dag_id=None)}},
    )
    async with open_minio(settings) as minio:
        assert minio is not None
        store = FlakyStore(minio)
        pipeline = DriftPipeline(store, drift_workers, AfterDrift(store, None, None))
        yield DriftService(settings.drift.monitors, pipeline, Events(), concurrency=1), store


def _keys(bucket: S3Bucket, part: str) -> list[str]:
    return [key for key in bucket.contents() if part in key]


async def check(service: DriftService) -> Any:
    return await service.run("default", trigger="manual", wait=False)


async def test_a_failed_archive_copy_is_resumed_under_the_same_run_id(
    service_and_store: tuple[DriftService, FlakyStore], s3_bucket: S3Bucket
) -> None:
    service, store = service_and_store
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    store.before_copy["uc_wine/archive/"] = _raise

    with pytest.raises(StepFailed) as failed:
        await check(service)

    assert failed.value.details["failed_step"] == "archive_reference"
    assert failed.value.details["done"] == ["save_report"]
    assert s3_bucket.get(REFERENCE) == wine("red") and _keys(s3_bucket, "/archive/") == []
    reports = _keys(s3_bucket, "/reports/drift_")

    summary = await check(service)

    assert summary.resumed and summary.run_id == failed.value.details["run_id"]
    assert _keys(s3_bucket, "/reports/drift_") == reports  # same names, written again
    (archived,) = _keys(s3_bucket, "/archive/")
    assert s3_bucket.get(archived) == wine("red") and s3_bucket.get(REFERENCE) == wine("white")
    assert _keys(s3_bucket, "/.pending/") == []


async def test_new_data_changing_before_the_replacement_fails_it_and_a_rerun_starts_afresh(
    service_and_store: tuple[DriftService, FlakyStore], s3_bucket: S3Bucket
) -> None:
    service, store = service_and_store
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    # the second look at the new data is the replacement's, after the decision
    store.before_nth_head[(NEW_DATA, 2)] = lambda: s3_bucket.put(NEW_DATA, red_halves()[1])

    with pytest.raises(StepFailed) as failed:
        await check(service)

    assert failed.value.details["failed_step"] == "replace_reference"
    assert failed.value.details["cause"]["error"] == "conflict"
    assert s3_bucket.get(REFERENCE) == wine("red")  # never replaced by data nobody checked

    summary = await check(service)

    assert summary.run_id != failed.value.details["run_id"] and not summary.resumed
    assert summary.verdict is not None and not summary.verdict.drift  # red half vs red
    assert s3_bucket.get(REFERENCE) == wine("red") and _keys(s3_bucket, "/.pending/") == []


async def test_a_journal_left_after_the_last_step_is_dropped_by_the_next_check(
    service_and_store: tuple[DriftService, FlakyStore], s3_bucket: S3Bucket
) -> None:
    service, store = service_and_store
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    store.failing_removes = 1

    first = await check(service)

    assert first.verdict is not None and first.verdict.drift
    assert len(_keys(s3_bucket, "/.pending/")) == 1
    archives = _keys(s3_bucket, "/archive/")

    second = await check(service)

    assert not second.resumed and second.verdict is not None and not second.verdict.drift
    assert _keys(s3_bucket, "/.pending/") == [] and _keys(s3_bucket, "/archive/") == archives


async def test_a_local_write_failure_is_507_not_minio_unreachable(
    service_and_store: tuple[DriftService, FlakyStore], s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    _, store = service_and_store
    s3_bucket.put(REFERENCE, wine("red"))
    head = await store.head(s3_bucket.name, REFERENCE)

    with pytest.raises(ScratchSpaceError) as caught:
        await store.download(head, tmp_path / "missing-dir" / "reference.csv")

    assert caught.value.status == 507 and "missing-dir" in caught.value.details["path"]

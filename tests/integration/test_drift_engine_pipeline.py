"""The engine in a real check on the S3 server: the reference cache, the report
process (sampled, failing) and the memory budget."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clarus_daemon.clients import open_minio
from clarus_daemon.drift import budget
from clarus_daemon.drift.errors import OverMemoryBudget
from clarus_daemon.drift.pipeline import DriftPipeline
from clarus_daemon.drift.reference_cache import open_cache
from clarus_daemon.drift.reports import ReportRenderer
from clarus_daemon.drift.service import DriftService
from clarus_daemon.drift.steps import AfterDrift
from clarus_daemon.drift.storage import DatasetStore, ObjectHead
from clarus_daemon.drift.summary import DriftSummary
from clarus_daemon.drift.worker_pool import WorkerPool
from clarus_daemon.events import Events
from tests.infra.app_settings import make_settings
from tests.infra.drift_app import NEW_DATA, REFERENCE, monitor, red_halves, wine
from tests.infra.s3 import S3Bucket, S3Server

pytestmark = pytest.mark.integration


class CountingStore(DatasetStore):
    """The real gateway, counting the downloads of each object."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.downloads: dict[str, int] = {}

    async def download(self, source: ObjectHead, destination: Path) -> None:
        self.downloads[source.key] = self.downloads.get(source.key, 0) + 1
        await super().download(source, destination)


@dataclass
class Checker:
    service: DriftService
    store: CountingStore
    cache_dir: Path

    async def check(self) -> DriftSummary:
        return await self.service.run("default", trigger="manual", wait=False)


@pytest.fixture
async def checker(
    s3_server: S3Server,
    s3_bucket: S3Bucket,
    drift_workers: WorkerPool,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Checker]:
    report_rows, report_timeout_s, budget, *over_budget = getattr(
        request, "param", (100_000, 300.0, 2048)
    )
    overrides = {"over_budget": over_budget[0]} if over_budget else {}
    settings = make_settings(
        minio=s3_server.minio_settings(),
        drift={
            "monitors": {
                "default": monitor(s3_bucket, experiment_id=None, dag_id=None, **overrides)
            }
        },
    )
    async with open_minio(settings) as minio:
        assert minio is not None
        store = CountingStore(minio)
        after = AfterDrift(store, None, None, ReportRenderer(report_rows, report_timeout_s))
        pipeline = DriftPipeline(
            store,
            drift_workers,
            after,
            cache=open_cache(tmp_path / "cache", 64),
            memory_budget_mb=budget,
        )
        service = DriftService(settings.drift.monitors, pipeline, Events(), concurrency=1)
        yield Checker(service, store, tmp_path / "cache")


async def test_a_repeat_check_reads_only_the_new_data(
    checker: Checker, s3_bucket: S3Bucket
) -> None:
    reference, new_data = red_halves()
    s3_bucket.put(REFERENCE, reference)
    s3_bucket.put(NEW_DATA, new_data)

    first = await checker.check()
    again = await checker.check()

    assert first.verdict == again.verdict and first.verdict is not None
    assert not first.verdict.drift
    assert checker.store.downloads == {REFERENCE: 1, NEW_DATA: 2}
    assert len(list(checker.cache_dir.iterdir())) == 1

    s3_bucket.put(REFERENCE, new_data)  # a new ETag: read again
    await checker.check()
    assert checker.store.downloads == {REFERENCE: 2, NEW_DATA: 3}


async def test_a_damaged_cache_entry_costs_a_download_not_the_check(
    checker: Checker, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, red_halves()[0])
    s3_bucket.put(NEW_DATA, red_halves()[1])
    first = await checker.check()
    (entry,) = checker.cache_dir.iterdir()
    entry.write_bytes(b"not a summary")

    again = await checker.check()

    assert again.verdict == first.verdict
    assert checker.store.downloads == {REFERENCE: 2, NEW_DATA: 2}


async def test_a_drift_from_the_cached_reference_still_gets_evidentlys_report(
    checker: Checker, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, red_halves()[1])
    await checker.check()
    s3_bucket.put(NEW_DATA, wine("white"))

    summary = await checker.check()

    assert summary.verdict is not None and summary.verdict.drift
    assert summary.done[0] == "save_report" and "save_report" not in summary.skipped
    assert s3_bucket.get(summary.reports["html"]).lstrip().startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize("checker", [(500, 300.0, 2048)], indirect=True)
async def test_the_report_is_built_from_a_sample_and_says_so(
    checker: Checker, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))

    summary = await checker.check()

    assert summary.verdict is not None and summary.verdict.new_data_rows == 4898
    page = s3_bucket.get(summary.reports["html"]).decode()
    assert "random sample" in page and "500 of 1,599 reference rows" in page
    stored = json.loads(s3_bucket.get(summary.reports["json"]))
    assert stored["report"]["sampled"] is True
    assert stored["report"]["rows"] == {"reference": 500, "new_data": 500}
    assert stored["rows"] == {"reference": 1599, "new_data": 4898}  # the verdict's


@pytest.mark.parametrize("checker", [(100_000, 0.01, 2048)], indirect=True)
async def test_a_failed_report_is_recorded_and_the_steps_after_it_run(
    checker: Checker, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))

    summary = await checker.check()

    assert summary.verdict is not None and summary.verdict.drift
    assert "Evidently could not render the report" in summary.skipped["save_report"]
    assert summary.done == ["archive_reference", "replace_reference"]
    assert s3_bucket.get(REFERENCE) == wine("white")


@pytest.mark.parametrize("checker", [(100_000, 300.0, 200)], indirect=True)
async def test_data_over_the_memory_budget_is_refused_naming_it(
    checker: Checker, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))

    with pytest.raises(OverMemoryBudget) as refused:
        await checker.check()

    assert refused.value.status == 413 and "memory_budget_mb = 200" in refused.value.message
    assert refused.value.details["failed_step"] == "read_data"
    assert checker.store.downloads == {}


@pytest.fixture
def tiny_worker_base(monkeypatch: pytest.MonkeyPatch) -> None:
    """Budgets of a few MB, so the wine files are 'too large' for one."""
    monkeypatch.setattr(budget, "WORKER_BASE_MB", 0)
    monkeypatch.setattr(budget, "SAMPLING_BLOCKS_MB", 0)


@pytest.mark.usefixtures("tiny_worker_base")
@pytest.mark.parametrize("checker", [(500, 300.0, 1, "sample")], indirect=True)
async def test_a_monitor_that_allows_it_samples_data_over_the_budget_and_says_so(
    checker: Checker, s3_bucket: S3Bucket
) -> None:
    white = wine("white")
    header, rows = white.split(b"\n", 1)
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, header + b"\n" + rows + rows)  # 9,796 rows

    summary = await checker.check()

    assert summary.verdict is not None and summary.verdict.drift
    sampled = summary.answer()["sampled"]
    assert sampled["total_rows"] == {"reference": 1599, "new_data": 9796}
    assert 0 < sampled["fraction"] < 1 and sampled["seed"] == 20_240_601
    used = sampled["rows"]
    assert used == summary.answer()["rows"]
    assert abs(used["new_data"] - 9796 * sampled["fraction"]) < 300
    assert not checker.cache_dir.exists() or not list(checker.cache_dir.iterdir())
    stored = json.loads(s3_bucket.get(summary.reports["json"]))
    assert stored["sampled"] == sampled
    page = s3_bucket.get(summary.reports["html"]).decode()
    assert "the drift verdict and the JSON summary used a sample too" in page
    assert f"of {9796:,} new rows" in page


@pytest.mark.parametrize("checker", [(100_000, 300.0, 200)], indirect=True)
async def test_over_the_budget_is_refused_by_default_and_the_answer_says_how_to_sample(
    checker: Checker, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))

    with pytest.raises(OverMemoryBudget, match='over_budget = "sample"'):
        await checker.check()

    assert checker.store.downloads == {}


async def test_data_within_the_budget_is_never_sampled(
    checker: Checker, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))

    summary = await checker.check()

    assert summary.answer()["sampled"] is None
    assert summary.answer()["rows"] == {"reference": 1599, "new_data": 4898}

"""The real app checking drift on the session's S3 server, and wine data to check.

Every app shares one session-wide worker pool (keys.DRIFT_WORKERS): a pool of its
own would start fresh processes importing Evidently (seconds) for every test.
"""

import asyncio
import csv
import io
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from clarus_daemon import keys
from clarus_daemon.app import create_app
from clarus_daemon.drift.worker_pool import WorkerPool
from clarus_daemon.events import Event
from tests.fakes.airflow import DAG_ID
from tests.infra.app_settings import make_settings
from tests.infra.s3 import S3Bucket, S3Server

DATA = Path(__file__).resolve().parents[1] / "data"
REFERENCE = "uc_wine/winequality-red.csv"
NEW_DATA = "uc_wine/winequality-red-new.csv"
REPORTS = "uc_wine/reports"
EXPERIMENT = "Clarus_RedWine_experiment"
URL = "/api/detect_data_drift"


def wine(color: str) -> bytes:
    return (DATA / f"winequality-{color}.csv").read_bytes()


def red_halves() -> tuple[bytes, bytes]:
    """Odd and even rows of the red wine file: same distribution, no drift."""
    header, *rows = wine("red").splitlines(keepends=True)
    return header + b"".join(rows[0::2]), header + b"".join(rows[1::2])


def rewrite(data: bytes, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> bytes:
    """The ';'-separated CSV `data` with its rows passed through `change`."""
    rows = list(csv.DictReader(io.StringIO(data.decode()), delimiter=";"))
    changed = change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(changed[0]), delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(changed)
    return out.getvalue().encode()


def monitor(bucket: S3Bucket, **overrides: Any) -> dict[str, Any]:
    """The old kit's wine monitor in `bucket` (MINIO_* as the README shows them)."""
    return {
        "bucket": bucket.name,
        "reference": REFERENCE,
        "new_data": NEW_DATA,
        "report_path": REPORTS,
        "experiment_id": EXPERIMENT,
        "dag_id": DAG_ID,
        **overrides,
    }


@pytest.fixture(scope="session")
def drift_workers() -> Iterator[WorkerPool]:
    pool = WorkerPool(2)
    try:
        yield pool
    finally:
        asyncio.run(pool.shutdown(30))


@dataclass
class EventRecorder:
    events: list[Event] = field(default_factory=list)

    async def emit(self, event: Event) -> None:
        self.events.append(event)


@dataclass
class DriftApp:
    client: TestClient[Any, Any]
    recorder: EventRecorder

    async def check(self, status: int = 200, **query: str) -> dict[str, Any]:
        """GET /api/detect_data_drift; the JSON answer, once its status is `status`."""
        response = await self.client.get(URL, params=query)
        answer: dict[str, Any] = await response.json()
        assert response.status == status, answer
        return answer

    def runs(self) -> list[Event]:
        return [event for event in self.recorder.events if event.kind == "drift_run"]


DriftAppFactory = Callable[..., Awaitable[DriftApp]]


@pytest.fixture
def drift_app(
    aiohttp_client: Callable[..., Awaitable[TestClient[Any, Any]]],
    s3_server: S3Server,
    drift_workers: WorkerPool,
    tmp_path: Path,
) -> DriftAppFactory:
    """drift_app(monitors, **sections): the real app with MinIO = the session's S3 server."""

    async def build(monitors: dict[str, dict[str, Any]], **sections: Any) -> DriftApp:
        sections.setdefault("minio", s3_server.minio_settings())
        settings = make_settings(
            drift={"monitors": monitors, "workers": 2},
            history={"path": str(tmp_path / "history.sqlite3")},
            **sections,
        )
        app = create_app(settings)
        app[keys.DRIFT_WORKERS] = drift_workers
        recorder = EventRecorder()
        app[keys.EVENTS].add_sink(recorder)
        return DriftApp(await aiohttp_client(app), recorder)

    return build


async def no_drift_app(drift_app: DriftAppFactory, bucket: S3Bucket) -> DriftApp:
    """The default monitor over the two red halves (no drift), put in the bucket."""
    reference, new_data = red_halves()
    bucket.put(REFERENCE, reference)
    bucket.put(NEW_DATA, new_data)
    return await drift_app({"default": monitor(bucket)})

"""A monitor on a one-second schedule against the real pipeline: real S3 (moto),
Evidently in the worker pool, the IDS agent and Airflow contract fakes."""

from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.infra.airflow import AirflowFake
from tests.infra.drift_app import (
    NEW_DATA,
    REFERENCE,
    DriftApp,
    DriftAppFactory,
    monitor,
    wine,
)
from tests.infra.ids_agent import IdsAgentFake
from tests.infra.ports import eventually
from tests.infra.s3 import S3Bucket
from tests.integration.test_audit_outside_api import audit_rows

pytestmark = pytest.mark.integration

SCHEDULED_RUNS = 3


async def get_json(app: DriftApp, path: str) -> Any:
    response = await app.client.get(path)
    assert response.status == 200, await response.text()
    return await response.json()


def scheduled(app: DriftApp) -> int:
    return sum(1 for e in app.runs() if e.details.get("trigger") == "scheduled")


def scheduled_runs_counted(metrics_text: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics_text)
        for sample in family.samples
        if sample.name == "clarus_drift_runs_total" and sample.labels["trigger"] == "scheduled"
    )


@pytest.fixture
async def scheduled_app(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, ids_agent: IdsAgentFake, airflow: AirflowFake
) -> Any:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    app = await drift_app(
        {"redwine": monitor(s3_bucket, schedule="1s")},
        ids={"url": ids_agent.url},
        airflow=airflow.settings(),
    )
    try:
        yield app
    finally:
        await app.client.close()  # before the bucket goes: no run may find it gone


async def test_a_one_second_schedule_runs_repeatedly_without_ever_overlapping(
    scheduled_app: DriftApp, s3_bucket: S3Bucket
) -> None:
    app = scheduled_app
    await eventually(lambda: scheduled(app) >= 1, 60)
    manual = await app.client.post("/api/drift/monitors/redwine/run", params={"wait": "true"})
    assert manual.status == 200, await manual.text()
    assert (await manual.json())["trigger"] == "manual"
    await eventually(lambda: scheduled(app) >= SCHEDULED_RUNS, 60)

    runs = (await get_json(app, "/api/drift/runs?monitor=redwine&limit=100"))["runs"]
    oldest_first = list(reversed(runs))
    for earlier, later in pairwise(oldest_first):
        # one lock per monitor: each run starts only after the previous one ended
        assert datetime.fromisoformat(earlier["ended_at"]) <= datetime.fromisoformat(
            later["started_at"]
        )
    assert {run["trigger"] for run in runs} == {"scheduled", "manual"}
    assert all(run["outcome"] in {"drift", "no_drift"} for run in runs)

    first = oldest_first[0]
    assert (first["trigger"], first["outcome"], first["dataset_drift"]) == (
        "scheduled",
        "drift",
        True,
    )
    assert first["dag_run_id"] and first["run_id"]
    assert first["reports"]["html"].startswith(f"s3://{s3_bucket.name}/")
    # the reference was replaced by the new data: the following runs see no drift
    assert [run["outcome"] for run in oldest_first[1:]] == ["no_drift"] * (len(runs) - 1)

    report = await app.client.get(f"/api/drift/runs/{first['id']}/reports/html")
    assert report.status == 200
    assert report.content_type == "text/html"
    assert (await report.text()).lstrip().lower().startswith("<!doctype html")

    (overview,) = (await get_json(app, "/api/drift/monitors"))["monitors"]
    assert overview["schedule"] == "1s" and overview["next_run_at"] is not None
    assert overview["scheduler"]["consecutive_failures"] == 0
    metrics = await (await app.client.get("/metrics")).text()
    assert scheduled_runs_counted(metrics) >= SCHEDULED_RUNS


async def test_a_scheduled_check_is_audited_as_the_scheduler(
    scheduled_app: DriftApp, tmp_path: Path
) -> None:
    history = tmp_path / "history.sqlite3"  # where drift_app keeps it
    await eventually(lambda: bool(audit_rows(history)), 60)

    page = await get_json(scheduled_app, "/api/audit")

    first = page["entries"][-1]
    assert (first["principal"], first["client"], first["action"], first["subject"]) == (
        "scheduler",
        "-",
        "drift_check",
        "redwine",
    )
    assert (first["outcome"], first["status"]) == ("ok", 200)
    assert first["details"]["drift"] is True
    assert first["details"]["archived_reference"] and first["details"]["dag_run_id"]

"""Evidently's report asked for without drift (?report=true): saved where drift reports
go, located in the answer, nothing else changed."""

import json

import pytest

from tests.infra.drift_app import REPORTS, DriftAppFactory, no_drift_app
from tests.infra.s3 import S3Bucket

pytestmark = pytest.mark.integration


async def test_a_check_without_drift_saves_the_report_when_asked(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket
) -> None:
    app = await no_drift_app(drift_app, s3_bucket)

    plain = await app.check()
    before = s3_bucket.contents()
    answer = await app.check(report="true")

    assert plain["reports"] == {} and plain["done"] == []
    assert answer["message"] == "Drift NOT detected" and answer["drift"] is False
    run_id = answer["run_id"]
    assert answer["reports"] == {
        "html": f"{REPORTS}/{run_id}.html",
        "json": f"{REPORTS}/{run_id}.json",
    }
    assert answer["done"] == ["save_report"] and answer["skipped"] == {}
    assert answer["archived_reference"] is None and answer["dag_run_id"] is None
    assert s3_bucket.get(answer["reports"]["html"]).lstrip().startswith(b"<!DOCTYPE html>")
    stored = json.loads(s3_bucket.get(answer["reports"]["json"]))
    assert stored["drift"] is False and stored["report"]["sampled"] is False
    assert stored["evidently"]["metrics"]
    after = s3_bucket.contents()
    assert {key: after[key] for key in before} == before  # the datasets are untouched
    assert set(after) - set(before) == set(answer["reports"].values())
    assert app.runs()[-1].details["reports"] == answer["reports"]


async def test_run_now_takes_the_report_request_too(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket
) -> None:
    app = await no_drift_app(drift_app, s3_bucket)

    response = await app.client.post("/api/drift/monitors/default/run", params={"report": "true"})
    answer = await response.json()

    assert response.status == 200, answer
    assert answer["drift"] is False and answer["done"] == ["save_report"]
    assert s3_bucket.get(answer["reports"]["json"])

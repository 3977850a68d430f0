"""Drift checks that cannot run, or fail half-way: the answer names what is wrong,
MinIO keeps every object, and a later check finishes without repeating anything."""

import asyncio
from typing import Any

import pytest

from clarus_daemon import keys
from clarus_daemon.api.limits import PENDING_CAPS
from tests.infra.airflow import AirflowFake
from tests.infra.drift_app import (
    NEW_DATA,
    REFERENCE,
    DriftAppFactory,
    monitor,
    no_drift_app,
    red_halves,
    wine,
)
from tests.infra.ids_agent import IdsAgentFake
from tests.infra.ports import eventually, free_port
from tests.infra.s3 import S3Bucket

pytestmark = pytest.mark.integration

DONE_BEFORE_DAG = ["save_report", "archive_reference", "replace_reference", "update_asset"]


def _red_white(bucket: S3Bucket) -> None:
    bucket.put(REFERENCE, wine("red"))
    bucket.put(NEW_DATA, wine("white"))


@pytest.mark.parametrize("missing", [REFERENCE, NEW_DATA])
async def test_a_missing_object_is_404_naming_it(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, missing: str
) -> None:
    present = NEW_DATA if missing == REFERENCE else REFERENCE
    s3_bucket.put(present, wine("red"))
    app = await drift_app({"default": monitor(s3_bucket)})

    answer = await app.check(404)

    assert missing in answer["message"] and answer["details"]["object"] == missing
    assert answer["details"]["failed_step"] == "read_data"
    assert list(s3_bucket.contents()) == [present]
    (event,) = app.runs()
    assert event.outcome == "failed" and event.details["failed_step"] == "read_data"


async def test_a_missing_bucket_is_404_naming_it(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket
) -> None:
    app = await drift_app({"default": {**monitor(s3_bucket), "bucket": "no-such-bucket"}})

    answer = await app.check(404)

    assert "no-such-bucket" in answer["message"]


@pytest.mark.parametrize(
    ("new_data", "says"),
    [
        (b"", "is empty"),
        (b"\xff\xfe\x00\x01garbage;\x00\n\x00\x02;;;\n", "not a readable CSV"),
        (b"fixed acidity;alcohol\n1;2;3;4\n5;6\n", "not a readable CSV"),
        (b"a;b\n", "no data rows"),
    ],
)
async def test_an_unreadable_csv_is_422_naming_the_object(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, new_data: bytes, says: str
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, new_data)
    before = s3_bucket.contents()
    app = await drift_app({"default": monitor(s3_bucket)})

    answer = await app.check(422)

    assert answer["error"] == "unusable_data" and says in answer["message"]
    assert NEW_DATA in answer["message"]
    assert s3_bucket.contents() == before


async def test_different_columns_are_422_naming_them(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket
) -> None:
    reference, new_data = red_halves()
    s3_bucket.put(REFERENCE, reference)
    s3_bucket.put(NEW_DATA, new_data.replace(b"alcohol", b"ethanol", 1))
    before = s3_bucket.contents()
    app = await drift_app({"default": monitor(s3_bucket)})

    answer = await app.check(422)

    assert answer["details"]["missing_in_new_data"] == ["alcohol"]
    assert answer["details"]["only_in_new_data"] == ["ethanol"]
    assert "alcohol" in answer["message"] and "ethanol" in answer["message"]
    assert s3_bucket.contents() == before


async def test_a_monitor_naming_unknown_columns_is_422_naming_the_setting(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket
) -> None:
    reference, new_data = red_halves()
    s3_bucket.put(REFERENCE, reference)
    s3_bucket.put(NEW_DATA, new_data)
    app = await drift_app({"default": monitor(s3_bucket, column_methods={"alcohol": "nope"})})

    answer = await app.check(422)

    assert answer["error"] == "monitor_misconfigured" and "nope" in answer["message"]


async def test_monitor_selection_errors(drift_app: DriftAppFactory, s3_bucket: S3Bucket) -> None:
    none = await drift_app({})
    unconfigured = await none.check(503)
    assert unconfigured["error"] == "not_configured" and "MINIO_BUCKET" in unconfigured["message"]

    two = await drift_app({"a": monitor(s3_bucket), "b": monitor(s3_bucket)})
    assert "?monitor=" in (await two.check(400))["message"]
    unknown = await two.check(404, monitor="c")
    assert unknown["details"]["monitors"] == ["a", "b"]
    assert two.runs() == []


async def test_unreachable_minio_is_503(drift_app: DriftAppFactory, s3_bucket: S3Bucket) -> None:
    app = await drift_app(
        {"default": monitor(s3_bucket)}, minio={"endpoint": f"127.0.0.1:{free_port()}"}
    )

    answer = await app.check(503)

    assert answer["details"]["service"] == "minio"


def _state(bucket: S3Bucket) -> dict[str, list[str]]:
    keys_by_kind: dict[str, list[str]] = {"reports": [], "archive": [], "pending": []}
    for key in bucket.contents():
        for kind, marker in (
            ("pending", "/.pending/"),
            ("reports", "/reports/"),
            ("archive", "/archive/"),
        ):
            if marker in key:
                keys_by_kind[kind].append(key)
                break
    return keys_by_kind


async def test_airflow_down_is_502_naming_the_step_and_a_rerun_finishes_once(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, ids_agent: IdsAgentFake, airflow: AirflowFake
) -> None:
    _red_white(s3_bucket)
    down = {
        "ids": {"url": ids_agent.url},
        "airflow": airflow.settings(url=f"http://127.0.0.1:{free_port()}"),
    }
    app = await drift_app({"default": monitor(s3_bucket)}, **down)

    failed = await app.check(502)

    assert failed["error"] == "drift_step_failed"
    assert failed["details"]["failed_step"] == "trigger_dag"
    assert failed["details"]["done"] == DONE_BEFORE_DAG
    assert failed["details"]["cause"]["service"] == "airflow"
    assert "trigger_dag" in failed["message"] and "update_asset" in failed["message"]
    state = _state(s3_bucket)
    assert len(state["reports"]) == 2 and len(state["archive"]) == 1 and len(state["pending"]) == 1
    assert s3_bucket.get(state["archive"][0]) == wine("red")
    assert s3_bucket.get(REFERENCE) == wine("white")
    (event,) = app.runs()
    assert event.outcome == "failed" and event.details["failed_step"] == "trigger_dag"

    up = await drift_app(
        {"default": monitor(s3_bucket)}, ids={"url": ids_agent.url}, airflow=airflow.settings()
    )
    finished = await up.check()

    assert finished["message"] == "Drift detected and retraining triggered"
    assert finished["resumed"] is True and finished["run_id"] == failed["details"]["run_id"]
    assert finished["done"] == [*DONE_BEFORE_DAG, "trigger_dag"]
    assert _state(s3_bucket) == {**state, "pending": []}
    assert len(ids_agent.state.dataset_updates) == 1 and len(airflow.state.runs) == 1
    assert (await up.check())["message"] == "Drift NOT detected"
    assert _state(s3_bucket) == {**state, "pending": []}


async def test_ids_failure_is_502_and_the_rerun_does_not_copy_again(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, ids_agent: IdsAgentFake, airflow: AirflowFake
) -> None:
    _red_white(s3_bucket)
    app = await drift_app(
        {"default": monitor(s3_bucket)}, ids={"url": ids_agent.url}, airflow=airflow.settings()
    )
    ids_agent.state.fail_with_status = 500

    failed = await app.check(502)

    assert failed["details"]["failed_step"] == "update_asset"
    assert failed["details"]["done"] == ["save_report", "archive_reference", "replace_reference"]
    assert airflow.state.runs == []
    archived = s3_bucket.contents()

    ids_agent.state.fail_with_status = None
    finished = await app.check()

    assert finished["done"][-2:] == ["update_asset", "trigger_dag"]
    assert {k: v for k, v in s3_bucket.contents().items() if "/.pending/" not in k} == {
        k: v for k, v in archived.items() if "/.pending/" not in k
    }
    assert len(ids_agent.state.dataset_updates) == 1 and len(airflow.state.runs) == 1


async def test_a_second_check_of_a_running_monitor_is_409_or_waits(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket
) -> None:
    app = await no_drift_app(drift_app, s3_bucket)
    service = app.client.app[keys.DRIFT]

    checks = app.client.app[PENDING_CAPS][("GET", "/api/detect_data_drift")]
    # held as a running check holds it, for as long as the test needs
    async with service._locks.hold("default", wait=False):
        busy = await app.check(409)
        waiting = asyncio.ensure_future(app.check(wait="true"))
        await eventually(lambda: checks.in_flight == 1)
        await asyncio.sleep(0.2)
        assert not waiting.done()  # queued behind the running check

    assert busy["error"] == "conflict" and "wait=true" in busy["message"]
    assert (await waiting)["drift"] is False
    assert len(app.runs()) == 1


async def test_different_monitors_run_concurrently(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket
) -> None:
    reference, new_data = red_halves()
    s3_bucket.put(REFERENCE, reference)
    s3_bucket.put(NEW_DATA, new_data)
    monitors: dict[str, Any] = {name: monitor(s3_bucket) for name in ("one", "two")}
    app = await drift_app(monitors)
    service = app.client.app[keys.DRIFT]

    checks = [asyncio.create_task(app.check(monitor=name)) for name in monitors]
    await eventually(lambda: service.busy("one") and service.busy("two"))
    answers = await asyncio.gather(*checks)

    assert [a["monitor"] for a in answers] == ["one", "two"]

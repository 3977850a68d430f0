"""GET /api/detect_data_drift end to end: real S3 (moto), Evidently in the worker pool,
the IDS agent and Airflow contract fakes; what the answer says and what MinIO holds."""

import json
from typing import Any

import pytest

from tests.fakes.airflow import DAG_ID
from tests.infra.airflow import AirflowFake
from tests.infra.drift_app import (
    EXPERIMENT,
    NEW_DATA,
    REFERENCE,
    REPORTS,
    DriftAppFactory,
    monitor,
    red_halves,
    rewrite,
    wine,
)
from tests.infra.ids_agent import IdsAgentFake
from tests.infra.s3 import S3Bucket

pytestmark = pytest.mark.integration

STEPS = ["save_report", "archive_reference", "replace_reference", "update_asset", "trigger_dag"]


def sections(ids_agent: IdsAgentFake, airflow: AirflowFake, **airflow_keys: Any) -> dict[str, Any]:
    return {"ids": {"url": ids_agent.url}, "airflow": airflow.settings(**airflow_keys)}


async def test_red_wine_halves_do_not_drift_and_nothing_changes(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, ids_agent: IdsAgentFake, airflow: AirflowFake
) -> None:
    reference, new_data = red_halves()
    s3_bucket.put(REFERENCE, reference)
    s3_bucket.put(NEW_DATA, new_data)
    before = s3_bucket.contents()
    app = await drift_app({"default": monitor(s3_bucket)}, **sections(ids_agent, airflow))

    answer = await app.check()

    assert answer["message"] == "Drift NOT detected"
    assert answer["drift"] is False and answer["share"] < 0.5
    assert answer["rows"] == {"reference": 800, "new_data": 799}
    assert len(answer["columns"]) == 12
    assert {"column", "method", "score", "threshold", "drifted"} <= set(answer["columns"][0])
    assert answer["reports"] == {} and answer["done"] == [] and answer["dag_run_id"] is None
    assert s3_bucket.contents() == before
    assert ids_agent.state.dataset_updates == [] and airflow.state.runs == []
    (event,) = app.runs()
    assert (event.subject, event.outcome, event.details["trigger"]) == (
        "default",
        "no_drift",
        "manual",
    )


@pytest.mark.parametrize("api_version", ["v2", "v1", "auto"])
async def test_red_against_white_drifts_and_every_step_runs_in_order(
    drift_app: DriftAppFactory,
    s3_bucket: S3Bucket,
    ids_agent: IdsAgentFake,
    airflow: AirflowFake,
    api_version: str,
) -> None:
    airflow.state.version = "v1" if api_version == "v1" else "v2"
    old_reference_etag = s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    app = await drift_app(
        {"default": monitor(s3_bucket)}, **sections(ids_agent, airflow, api_version=api_version)
    )

    answer = await app.check()

    assert answer["message"] == "Drift detected and retraining triggered"
    assert answer["drift"] is True and answer["share"] == 1.0
    assert len(answer["drifted_columns"]) == 12
    assert answer["done"] == STEPS and answer["skipped"] == {} and not answer["resumed"]
    run_id = answer["run_id"]
    assert answer["reports"] == {
        "html": f"{REPORTS}/{run_id}.html",
        "json": f"{REPORTS}/{run_id}.json",
    }
    stored = s3_bucket.contents()
    assert stored[answer["reports"]["html"]].lstrip().startswith(b"<!DOCTYPE html>")
    summary = json.loads(stored[answer["reports"]["json"]])
    assert summary["run_id"] == run_id and summary["drifted_columns"] == answer["drifted_columns"]
    assert summary["evidently"]["metrics"]
    assert stored[answer["archived_reference"]] == wine("red")
    assert answer["archived_reference"].startswith("uc_wine/archive/winequality-red.")
    assert stored[REFERENCE] == wine("white") == stored[NEW_DATA]
    head = s3_bucket.head(REFERENCE)
    assert head["Metadata"]["clarus-drift-run"] == run_id and head["ETag"] != old_reference_etag
    assert not any("/.pending/" in key for key in stored)
    assert ids_agent.state.dataset_updates == [
        {"exp_id": EXPERIMENT, "minio_bucket": s3_bucket.name, "minio_path": REFERENCE}
    ]
    (dag_run,) = airflow.state.runs
    assert dag_run["dag_id"] == DAG_ID and dag_run["api"] == airflow.state.version
    assert dag_run["dag_run_id"] == answer["dag_run_id"] == f"clarus__{run_id}"
    assert dag_run["conf"]["monitor"] == "default" and dag_run["conf"]["run_id"] == run_id
    assert dag_run["conf"]["report"] == answer["reports"]
    (event,) = app.runs()
    assert event.outcome == "drift" and event.details["dataset_drift"] is True
    assert event.details["dag_run_id"] == answer["dag_run_id"]


async def test_checking_again_after_a_drift_finds_none_and_archives_nothing(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, ids_agent: IdsAgentFake, airflow: AirflowFake
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    app = await drift_app({"default": monitor(s3_bucket)}, **sections(ids_agent, airflow))
    await app.check()
    after_first = s3_bucket.contents()

    again = await app.check()

    assert again["message"] == "Drift NOT detected" and again["share"] == 0.0
    assert s3_bucket.contents() == after_first
    assert len(airflow.state.runs) == 1 and len(ids_agent.state.dataset_updates) == 1


def _shift_alcohol(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{**row, "alcohol": f"{float(row['alcohol']) + 2.5:.2f}"} for row in rows]


async def test_one_shifted_column_drifts_alone_unless_the_share_says_otherwise(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, ids_agent: IdsAgentFake, airflow: AirflowFake
) -> None:
    reference, new_data = red_halves()
    s3_bucket.put(REFERENCE, reference)
    s3_bucket.put(NEW_DATA, rewrite(new_data, _shift_alcohol))
    strict = monitor(s3_bucket, drift_share=0.05, dag_id=None, experiment_id=None)
    app = await drift_app(
        {"default": monitor(s3_bucket), "strict": strict}, **sections(ids_agent, airflow)
    )

    lenient = await app.check()
    assert lenient["drift"] is False and lenient["drifted_columns"] == ["alcohol"]

    answer = await app.check(monitor="strict")
    assert answer["drift"] is True and answer["drift_share"] == 0.05
    assert answer["message"] == "Drift detected; no retraining DAG is configured"
    assert answer["done"] == ["save_report", "archive_reference", "replace_reference"]
    assert set(answer["skipped"]) == {"update_asset", "trigger_dag"}
    assert ids_agent.state.dataset_updates == [] and airflow.state.runs == []


async def test_per_column_method_threshold_ignored_and_categorical_columns_apply(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket
) -> None:
    reference, new_data = red_halves()
    s3_bucket.put(REFERENCE, reference)
    s3_bucket.put(NEW_DATA, new_data)
    configured = monitor(
        s3_bucket,
        column_methods={"alcohol": "psi"},
        column_thresholds={"pH": 0.2},
        ignore_columns=["density"],
        categorical_columns=["quality"],
    )
    app = await drift_app({"default": configured})

    columns = {c["column"]: c for c in (await app.check())["columns"]}

    assert "density" not in columns and len(columns) == 11
    assert columns["alcohol"]["method"].lower().startswith("psi")
    assert columns["pH"]["threshold"] == 0.2
    assert columns["quality"]["method"].startswith("chi-square")
    assert columns["fixed acidity"]["method"].startswith("K-S")


@pytest.mark.parametrize("separator", [",", "\t", "|"])
async def test_the_separator_is_detected(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, separator: str
) -> None:
    reference, new_data = (data.replace(b";", separator.encode()) for data in red_halves())
    s3_bucket.put(REFERENCE, reference)
    s3_bucket.put(NEW_DATA, new_data)
    app = await drift_app({"default": monitor(s3_bucket)})

    answer = await app.check()

    assert answer["drift"] is False and len(answer["columns"]) == 12

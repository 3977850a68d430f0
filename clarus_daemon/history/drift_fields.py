"""The columns of a drift run, read from the details of its drift_run event.

The pipeline reports what it knows in the event's details; a run that failed
early has no share or columns, only the step that failed and why.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TRIGGERS = ("manual", "scheduled")


@dataclass(frozen=True)
class DriftFields:
    trigger: str
    run_id: str | None
    drift_share: float | None
    dataset_drift: bool | None
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: dict[str, str] = field(default_factory=dict)
    dag_run_id: str | None = None
    failed_step: str | None = None
    error: str | None = None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _columns(value: Any) -> dict[str, dict[str, Any]]:
    if isinstance(value, Mapping):
        return {
            str(name): dict(summary) if isinstance(summary, Mapping) else {"value": summary}
            for name, summary in value.items()
        }
    if isinstance(value, list):  # [{"column": name, ...}, ...]
        return {
            str(item["column"]): {k: v for k, v in item.items() if k != "column"}
            for item in value
            if isinstance(item, Mapping) and "column" in item
        }
    return {}


def _location(bucket: Any, key: str) -> str:
    # Keys are relative to the monitor's bucket; the history keeps where they really are.
    if "://" in key or not isinstance(bucket, str) or not bucket:
        return key
    return f"s3://{bucket}/{key.lstrip('/')}"


def _reports(details: Mapping[str, Any]) -> dict[str, str]:
    value = details.get("reports", details.get("report"))
    if isinstance(value, str):
        value = {"html": value}
    if not isinstance(value, Mapping):
        return {}
    bucket = details.get("bucket")
    return {str(kind): _location(bucket, str(key)) for kind, key in value.items() if key}


def _dataset_drift(details: Mapping[str, Any], outcome: str) -> bool | None:
    value = details.get("dataset_drift")
    if isinstance(value, bool):
        return value
    return {"drift": True, "no_drift": False}.get(outcome)


def drift_fields(details: Mapping[str, Any], outcome: str) -> DriftFields:
    trigger = details.get("trigger")
    return DriftFields(
        trigger=trigger if trigger in TRIGGERS else "manual",
        run_id=_text(details.get("run_id")),
        drift_share=_number(details.get("share", details.get("drift_share"))),
        dataset_drift=_dataset_drift(details, outcome),
        columns=_columns(details.get("columns")),
        reports=_reports(details),
        dag_run_id=_text(details.get("dag_run_id")),
        failed_step=_text(details.get("failed_step")),
        error=_text(details.get("error")),
    )

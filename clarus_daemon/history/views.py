"""History records as plain JSON-ready dictionaries, for the API and the status page."""

from datetime import datetime
from typing import Any

from clarus_daemon.history.records import DriftRunRecord, EventRecord


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def event_view(record: EventRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "subject": record.subject,
        "outcome": record.outcome,
        "started_at": iso(record.started_at),
        "ended_at": iso(record.ended_at),
        "details": dict(record.details),
    }


def drift_run_view(record: DriftRunRecord, *, with_columns: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": record.id,
        "event_id": record.event_id,
        "monitor": record.monitor,
        "trigger": record.trigger,
        "run_id": record.run_id,
        "started_at": iso(record.started_at),
        "ended_at": iso(record.ended_at),
        "duration_s": record.duration_s,
        "outcome": record.outcome,
        "drift_share": record.drift_share,
        "dataset_drift": record.dataset_drift,
        "reports": dict(record.reports),
        "dag_run_id": record.dag_run_id,
        "failed_step": record.failed_step,
        "error": record.error,
    }
    if with_columns:
        view["columns"] = {name: dict(summary) for name, summary in record.columns.items()}
    return view

"""Rows of the history as the rest of the daemon sees them."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

Row = TypeVar("Row")


@dataclass(frozen=True)
class EventRecord:
    id: int
    kind: str
    subject: str
    outcome: str
    started_at: datetime | None
    ended_at: datetime
    details: Mapping[str, Any]


@dataclass(frozen=True)
class DriftRunRecord:
    id: int
    event_id: int
    monitor: str
    trigger: str
    """manual or scheduled"""
    run_id: str | None
    """The pipeline's name of the run (reports, DAG run id derive from it)."""
    started_at: datetime | None
    ended_at: datetime
    outcome: str
    drift_share: float | None
    """Share of drifted columns, 0..1; None when the run failed before detection."""
    dataset_drift: bool | None
    columns: Mapping[str, Mapping[str, Any]]
    """Column -> {drifted, score, method, threshold, ...} as the pipeline reported it."""
    reports: Mapping[str, str]
    """What was saved -> where (html, json, reference...), as object locations."""
    dag_run_id: str | None
    failed_step: str | None
    error: str | None

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page, newest first; `next_cursor` fetches the older rows after it."""

    rows: Sequence[Row]
    next_cursor: str | None

"""What a drift run found and did: the API answer, the event details, the JSON report."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clarus_daemon.drift.results import ColumnDrift, Detection, Sample

# the old detector's answers, word for word: clients compare them
MESSAGE_DRIFT = "Drift detected and retraining triggered"
MESSAGE_NO_DRIFT = "Drift NOT detected"
MESSAGE_DRIFT_NO_DAG = "Drift detected; no retraining DAG is configured"


@dataclass(frozen=True)
class Verdict:
    drift: bool
    share: float
    drift_share: float
    columns: tuple[ColumnDrift, ...]
    reference_rows: int
    new_data_rows: int
    sampled: dict[str, Any] | None = None
    """Rows used and held per side, fraction and seed, when the data was sampled."""

    @classmethod
    def from_detection(cls, detection: Detection) -> "Verdict":
        rows = (detection.reference_rows, detection.current_rows)
        return cls(
            drift=detection.drift,
            share=detection.share,
            drift_share=detection.drift_share,
            columns=detection.columns,
            reference_rows=rows[0],
            new_data_rows=rows[1],
            sampled=_sampled(rows, detection.total_rows, detection.sample),
        )

    @property
    def drifted_columns(self) -> list[str]:
        return [column.column for column in self.columns if column.drifted]

    def as_dict(self) -> dict[str, Any]:
        return {
            "drift": self.drift,
            "share": self.share,
            "drift_share": self.drift_share,
            "drifted_columns": self.drifted_columns,
            "columns": [column.as_dict() for column in self.columns],
            "rows": {"reference": self.reference_rows, "new_data": self.new_data_rows},
            "sampled": self.sampled,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Verdict":
        return cls(
            drift=data["drift"],
            share=data["share"],
            drift_share=data["drift_share"],
            columns=tuple(ColumnDrift(**column) for column in data["columns"]),
            reference_rows=data["rows"]["reference"],
            new_data_rows=data["rows"]["new_data"],
            sampled=data.get("sampled"),
        )


def _sampled(
    rows: tuple[int, int], total: tuple[int, int] | None, sample: Sample | None
) -> dict[str, Any] | None:
    if total is None or sample is None:
        return None
    return {
        "rows": {"reference": rows[0], "new_data": rows[1]},
        "total_rows": {"reference": total[0], "new_data": total[1]},
        "fraction": sample.fraction,
        "seed": sample.seed,
    }


@dataclass
class DriftSummary:
    """Filled in as the run goes; complete once the run ends."""

    monitor: str
    trigger: str
    started_at: datetime
    bucket: str
    reference: str
    new_data: str
    run_id: str | None = None
    verdict: Verdict | None = None
    reports: dict[str, str] = field(default_factory=dict)
    archived_reference: str | None = None
    dag_run_id: str | None = None
    done: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    resumed: bool = False
    duration_s: float | None = None

    @property
    def outcome(self) -> str:
        return "drift" if self.verdict and self.verdict.drift else "no_drift"

    @property
    def message(self) -> str:
        if not (self.verdict and self.verdict.drift):
            return MESSAGE_NO_DRIFT
        return MESSAGE_DRIFT if self.dag_run_id else MESSAGE_DRIFT_NO_DAG

    def answer(self) -> dict[str, Any]:
        verdict = self.verdict.as_dict() if self.verdict else {}
        return {
            "message": self.message,
            "monitor": self.monitor,
            "run_id": self.run_id,
            "trigger": self.trigger,
            **verdict,
            "bucket": self.bucket,
            "reference": self.reference,
            "new_data": self.new_data,
            "reports": dict(self.reports),
            "archived_reference": self.archived_reference,
            "dag_run_id": self.dag_run_id,
            "done": list(self.done),
            "skipped": dict(self.skipped),
            "resumed": self.resumed,
            "started_at": self.started_at.isoformat(),
            "duration_s": self.duration_s,
        }

    def event_details(self, failure: dict[str, Any] | None = None) -> dict[str, Any]:
        """The answer plus what the history needs to tell runs apart."""
        details = self.answer()
        details["dataset_drift"] = self.verdict.drift if self.verdict else None
        return {**details, **(failure or {})}

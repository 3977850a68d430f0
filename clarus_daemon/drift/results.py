"""What crosses the process boundary to and from the detection worker.

Plain frozen dataclasses of builtins: they pickle cheaply and importing them
pulls in neither pandas nor Evidently.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DetectOptions:
    separator: str | None = None
    """CSV separator of both files; sniffed from each file's head when None."""
    drift_share: float = 0.5
    ignore_columns: tuple[str, ...] = ()
    categorical_columns: tuple[str, ...] = ()
    column_methods: dict[str, str] = field(default_factory=dict)
    column_thresholds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ColumnDrift:
    column: str
    method: str
    score: float | None
    """None when the test gave no number (NaN): JSON has no NaN."""
    threshold: float
    drifted: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "method": self.method,
            "score": self.score,
            "threshold": self.threshold,
            "drifted": self.drifted,
        }


@dataclass(frozen=True)
class Detection:
    drift: bool
    share: float
    """Share of the compared columns that drifted."""
    drift_share: float
    """The share at or above which the dataset counts as drifted."""
    columns: tuple[ColumnDrift, ...]
    reference_rows: int
    current_rows: int
    separators: tuple[str, str]
    """(reference, current) separators as used."""
    read_s: float
    detect_s: float

    @property
    def drifted_columns(self) -> list[str]:
        return [column.column for column in self.columns if column.drifted]

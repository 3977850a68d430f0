"""What crosses the process boundary to and from the detection worker.

Plain frozen dataclasses of builtins: they pickle cheaply and importing them
pulls in neither pandas nor Evidently.
"""

from dataclasses import dataclass, field, replace
from typing import Any

from clarus_daemon.config.drift import MonitorSettings

SAMPLE_SEED = 20_240_601
"""Seed of every sample the daemon draws: the same files always give the same rows."""


@dataclass(frozen=True)
class Sample:
    """Keep each row with probability `fraction`, drawn from a generator seeded `seed`."""

    fraction: float
    seed: int


@dataclass(frozen=True)
class DetectOptions:
    separator: str | None = None
    """CSV separator of both files; sniffed from each file's head when None."""
    drift_share: float = 0.5
    ignore_columns: tuple[str, ...] = ()
    categorical_columns: tuple[str, ...] = ()
    column_methods: dict[str, str] = field(default_factory=dict)
    column_thresholds: dict[str, float] = field(default_factory=dict)
    sample: Sample | None = None
    """Data over the memory budget, read as a seeded sample; None: every row."""


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
    reference_cached: bool = False
    """The reference's summary came from the cache: only the new data was read."""
    total_rows: tuple[int, int] | None = None
    """(reference, current) rows the files hold, when the verdict used a sample."""
    sample: Sample | None = None
    """The sample the verdict used, if any."""

    def from_cache(self, cached: bool) -> "Detection":
        return replace(self, reference_cached=cached)

    @property
    def drifted_columns(self) -> list[str]:
        return [column.column for column in self.columns if column.drifted]


@dataclass(frozen=True)
class RenderedReport:
    html: str
    json: str
    rows: tuple[int, int]
    """(reference, new data) rows the report was built from."""
    total_rows: tuple[int, int]
    seed: int

    @property
    def sampled(self) -> bool:
        return self.rows != self.total_rows

    def facts(self) -> dict[str, Any]:
        return {
            "sampled": self.sampled,
            "rows": {"reference": self.rows[0], "new_data": self.rows[1]},
            "total_rows": {"reference": self.total_rows[0], "new_data": self.total_rows[1]},
            "seed": self.seed,
        }


def detect_options(monitor: MonitorSettings) -> DetectOptions:
    return DetectOptions(
        separator=monitor.separator,
        drift_share=monitor.drift_share,
        ignore_columns=tuple(monitor.ignore_columns),
        categorical_columns=tuple(monitor.categorical_columns),
        column_methods=dict(monitor.column_methods),
        column_thresholds=dict(monitor.column_thresholds),
    )

"""Drift monitors: which datasets are compared, and what happens on drift."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from clarus_daemon.config.base import Section
from clarus_daemon.config.scheduling import ScheduleText


class MonitorSettings(Section):
    bucket: str = Field(description="Bucket holding the datasets; MINIO_BUCKET.")
    reference: str = Field(description="Object path of the reference CSV; MINIO_REF_DATA.")
    new_data: str = Field(description="Object path of the new CSV; MINIO_NEW_DATA.")
    report_path: str = Field("reports", description="Prefix for drift reports; MINIO_REPORT_PATH.")
    experiment_id: str | None = Field(None, description="Data-space asset id; EXPERIMENT_ID.")
    dag_id: str | None = Field(None, description="Airflow DAG run on drift; ID_AIRFLOW_DAG.")
    separator: str | None = Field(
        None, min_length=1, max_length=1, description="CSV separator; detected when unset."
    )
    drift_share: float = Field(
        0.5, gt=0, le=1, description="Share of drifted columns that makes dataset drift."
    )
    ignore_columns: list[str] = Field(default_factory=list)
    column_methods: dict[str, str] = Field(
        default_factory=dict, description="Column -> Evidently stattest name."
    )
    column_thresholds: dict[str, float] = Field(default_factory=dict)
    categorical_columns: list[str] = Field(
        default_factory=list,
        description="Columns compared as categories; every other numeric column is numerical "
        "(the wine `quality` score is numerical unless listed here).",
    )
    over_budget: Literal["refuse", "sample"] = Field(
        "refuse",
        description="Data needing more than drift.memory_budget_mb: 'refuse' (413), or "
        "'sample': decide on a seeded random sample that fits, stated in the answer.",
    )
    archive_path: str | None = Field(
        None,
        description="Prefix the replaced reference is copied to first; "
        "default: an `archive` folder next to the reference.",
    )
    schedule: ScheduleText | None = Field(
        None, description="Cron expression or interval ('15m'); DRIFT_SCHEDULE. Unset: on demand."
    )
    schedule_jitter_s: float | None = Field(
        None, ge=0, description="Random delay per scheduled run (s); scheduler.jitter_s when unset."
    )


# names end up in object keys and Airflow run ids
MonitorName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class DriftSettings(Section):
    workers: int = Field(2, ge=1, le=32, description="Worker processes for drift detection.")
    memory_budget_mb: int = Field(
        2048,
        ge=256,
        description="Largest memory one check may need (about 200 MB plus 4x the files); "
        "larger data is refused with 413 (or sampled, per monitor: over_budget).",
    )
    reference_cache_mb: int = Field(
        512, ge=0, description="Disk for cached reference summaries in the state dir; 0: off."
    )
    report_max_rows: int = Field(
        100_000, ge=100, description="Rows per side the Evidently report is built from at most."
    )
    report_timeout_s: float = Field(
        300, gt=0, description="Time the Evidently report gets before it counts as failed (s)."
    )
    monitors: dict[MonitorName, MonitorSettings] = Field(default_factory=dict)

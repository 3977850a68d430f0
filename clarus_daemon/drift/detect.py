"""The drift decision: two CSVs in, a picklable Detection out.

Worker side only (pandas and Evidently); no asyncio, no I/O besides the bytes given.
Defaults are Evidently's DataDriftPreset defaults: the test per column follows its
type and the reference's size, and the dataset drifts when at least `drift_share`
of the compared columns do.
"""

import math
import time
from collections.abc import Mapping
from typing import Any

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.legacy.calculations.stattests.registry import StatTestNotFoundError
from evidently.presets import DataDriftPreset

from clarus_daemon.drift.errors import MonitorMisconfigured, UnusableData
from clarus_daemon.drift.frames import check_same_columns, read_frame, require_known, split_types
from clarus_daemon.drift.results import ColumnDrift, Detection, DetectOptions

FAILED = "FAIL"


def _compared_columns(reference: pd.DataFrame, options: DetectOptions) -> list[str]:
    known = list(reference.columns)
    require_known(options.ignore_columns, known, "ignore_columns")
    compared = [column for column in known if column not in options.ignore_columns]
    if not compared:
        raise MonitorMisconfigured("ignore_columns leaves no column to compare")
    require_known(options.categorical_columns, compared, "categorical_columns")
    require_known(options.column_methods, compared, "column_methods")
    require_known(options.column_thresholds, compared, "column_thresholds")
    return compared


def _run_report(reference: pd.DataFrame, current: pd.DataFrame, options: DetectOptions) -> Any:
    columns = _compared_columns(reference, options)
    numerical, categorical = split_types(
        reference, current, columns, set(options.categorical_columns)
    )
    definition = DataDefinition(numerical_columns=numerical, categorical_columns=categorical)
    preset = DataDriftPreset(
        columns=columns,
        drift_share=options.drift_share,
        per_column_method=dict(options.column_methods) or None,
        per_column_threshold=dict(options.column_thresholds) or None,
    )
    try:
        return Report([preset], include_tests=True).run(
            Dataset.from_pandas(current, data_definition=definition),
            Dataset.from_pandas(reference, data_definition=definition),
        )
    except StatTestNotFoundError as err:
        raise MonitorMisconfigured(f"column_methods: {err}") from err
    except (ValueError, TypeError) as err:
        raise UnusableData(f"Evidently cannot compare the datasets: {err}") from err


def _failed_metric_ids(tests: list[Mapping[str, Any]]) -> set[str]:
    return {
        test["metric_config"]["metric_id"]
        for test in tests
        if str(getattr(test["status"], "value", test["status"])) == FAILED
    }


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _column_results(report: Mapping[str, Any]) -> tuple[ColumnDrift, ...]:
    failed = _failed_metric_ids(report["tests"])
    return tuple(
        ColumnDrift(
            column=str(metric["config"]["column"]),
            method=str(metric["config"]["method"]),
            score=_finite(metric["value"]),
            threshold=float(metric["config"]["threshold"]),
            drifted=metric["id"] in failed,
        )
        for metric in report["metrics"][1:]
    )


def detect(
    reference: bytes, current: bytes, options: DetectOptions, names: tuple[str, str]
) -> Detection:
    """Compare `current` with `reference`; `names` label the two in error messages."""
    started = time.perf_counter()
    reference_frame, reference_separator = read_frame(reference, names[0], options.separator)
    current_frame, current_separator = read_frame(current, names[1], options.separator)
    check_same_columns(reference_frame, current_frame, names)
    read_s = time.perf_counter() - started
    snapshot = _run_report(reference_frame, current_frame, options)
    report = snapshot.dict()
    count_metric = report["metrics"][0]
    drift = count_metric["id"] in _failed_metric_ids(report["tests"])
    render = drift and options.render_report
    return Detection(
        drift=drift,
        share=float(count_metric["value"]["share"]),
        drift_share=options.drift_share,
        columns=_column_results(report),
        reference_rows=len(reference_frame),
        current_rows=len(current_frame),
        separators=(reference_separator, current_separator),
        read_s=read_s,
        detect_s=time.perf_counter() - started - read_s,
        report_html=snapshot.get_html_str(as_iframe=False) if render else None,
        report_json=snapshot.json() if render else None,
    )

"""A dataset's verdict: every compared column tested, then Evidently's dataset rule.

The column order, the typing, the checks of the monitor's settings and the
errors are the ones the Evidently-based detection had; a column whose
configured method the engine does not implement is tested by Evidently itself.
"""

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from clarus_daemon.drift.engine.columns import ColumnSide, Kind, is_number, summarise
from clarus_daemon.drift.engine.fallback import evidently_test
from clarus_daemon.drift.engine.methods import by_evidently
from clarus_daemon.drift.engine.stattests import NATIVE, default_test
from clarus_daemon.drift.errors import MonitorMisconfigured, UnusableData
from clarus_daemon.drift.frames import numpy_column, require_known
from clarus_daemon.drift.results import ColumnDrift, DetectOptions


@dataclass
class ReferenceSummary:
    """What the tests need from a reference; what the reference cache keeps."""

    columns: list[str]
    """All the reference's columns, in its order."""
    sides: dict[str, ColumnSide]
    """The compared columns, in the reference's order."""
    numbers: set[str]
    """Columns holding numbers (typed categorical or not)."""
    rows: int
    separator: str


def compared_columns(columns: list[str], options: DetectOptions) -> list[str]:
    require_known(options.ignore_columns, columns, "ignore_columns")
    compared = [column for column in columns if column not in options.ignore_columns]
    if not compared:
        raise MonitorMisconfigured("ignore_columns leaves no column to compare")
    require_known(options.categorical_columns, compared, "categorical_columns")
    require_known(options.column_methods, compared, "column_methods")
    require_known(options.column_thresholds, compared, "column_thresholds")
    return compared


def _kind(column: str, number: bool, options: DetectOptions) -> Kind:
    return "numerical" if number and column not in options.categorical_columns else "categorical"


def summarise_reference(
    frame: pd.DataFrame, separator: str, options: DetectOptions
) -> ReferenceSummary:
    columns = [str(column) for column in frame.columns]
    numbers: set[str] = set()
    sides: dict[str, ColumnSide] = {}
    for column in compared_columns(columns, options):
        series = numpy_column(frame[column])
        if is_number(series):
            numbers.add(column)
        kind = _kind(column, column in numbers, options)
        side = summarise(series, kind, column, "reference")
        # Evidently's own tests may depend on the order of the values (permutations)
        sides[column] = side if by_evidently(column, options) else side.without_source()
    return ReferenceSummary(columns, sides, numbers, len(frame), separator)


def _check_numbers(column: str, in_reference: bool, series: "pd.Series[Any]") -> None:
    if in_reference != is_number(series):
        raise UnusableData(
            f"column {column!r} holds numbers in "
            f"{'the reference' if in_reference else 'the new data'} but not in the other",
            details={"column": column},
        )


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def test_column(
    column: str, reference: ColumnSide, current: ColumnSide, options: DetectOptions
) -> ColumnDrift:
    threshold = options.column_thresholds.get(column)
    method = options.column_methods.get(column)
    if method is not None and by_evidently(column, options):  # method: for mypy
        score, drifted, used = evidently_test(method, reference, current, threshold)
        return ColumnDrift(column, method, _finite(score), used, drifted)
    test = NATIVE[method] if method is not None else default_test(reference, current)
    if method is not None and reference.kind not in test.kinds:  # defaults are not checked
        raise UnusableData(
            f"cannot compare the datasets: stattest {test.name} isn't applicable to "
            f"{reference.kind} column {column!r}",
            details={"column": column, "method": test.name},
        )
    used = test.default_threshold if threshold is None else threshold
    score = test.kernel(reference, current)
    label = method if method is not None else test.display_name
    return ColumnDrift(column, label, _finite(score), used, test.drifted(score, used))


def _test_one(
    column: str, reference: ReferenceSummary, current: "pd.Series[Any]", options: DetectOptions
) -> ColumnDrift:
    side = reference.sides[column]
    series = numpy_column(current)
    _check_numbers(column, column in reference.numbers, series)
    current_side = summarise(series, side.kind, column, "current")
    return test_column(column, side, current_side, options)


def test_columns(
    reference: ReferenceSummary, current: pd.DataFrame, options: DetectOptions
) -> tuple[ColumnDrift, ...]:
    # one column at a time: a column's temporaries are the check's only memory beyond
    # the two datasets, and the tests are quick enough that threads would not pay
    return tuple(
        _test_one(column, reference, current[column], options) for column in reference.sides
    )


def dataset_share(columns: tuple[ColumnDrift, ...]) -> float:
    return sum(column.drifted for column in columns) / len(columns)

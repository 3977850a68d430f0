"""One side of one column, cleaned and summarised the way Evidently's tests see it.

Evidently drops NaN and ±inf from each side before it tests a column
(`get_one_column_drift`), and every default test depends on the cleaned values
only through: their count, their distinct values (in order of first appearance,
which fixes the order Evidently's sets and dicts iterate in), their counts, and,
for numbers, the values themselves in any order plus the standard deviation.
A `ColumnSide` keeps exactly that, so a reference's sides can be cached.
"""

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from clarus_daemon.drift.errors import UnusableData

Kind = Literal["numerical", "categorical"]
FloatArray = npt.NDArray[np.float64]

BINNED_ABOVE = 20
"""Evidently bins a numerical column with more distinct reference values than this
(Sturges histogram) and counts values otherwise."""


@dataclass
class ColumnSide:
    kind: Kind
    count: int
    """Values left after NaN and ±inf are dropped."""
    nunique: int
    first_seen: list[Any] | None
    """Distinct values in order of appearance, as Evidently's `series.unique()`."""
    counts: dict[Any, int] | None
    """Value -> occurrences, as Evidently's `dict(series.value_counts())`."""
    sorted_values: FloatArray | None = field(default=None, repr=False)
    """Numerical only: the values, ascending."""
    std: float = 0.0
    """Numerical only: np.std of the values in their original order."""
    source: "pd.Series[Any] | None" = field(default=None, repr=False)
    """The cleaned values, while at hand: distinct values are counted from them on
    demand. Not cached; without them (a cached numerical column with many
    distinct values) the sorted values stand in, which can move only the last bits
    of a score (the order of a floating-point sum)."""

    def _count(self) -> None:
        if self.source is not None:
            self.first_seen, self.counts = _distinct(self.source)
        else:
            assert self.sorted_values is not None
            values, counts = np.unique(self.sorted_values, return_counts=True)
            self.counts = {float(v): int(c) for v, c in zip(values, counts, strict=True)}
            self.first_seen = list(self.counts)

    def keys_in_order(self) -> list[Any]:
        if self.first_seen is None:
            self._count()
        assert self.first_seen is not None
        return self.first_seen

    def value_counts(self) -> dict[Any, int]:
        if self.counts is None:
            self._count()
        assert self.counts is not None
        return self.counts

    def without_source(self) -> "ColumnSide":
        return replace(self, source=None)


def is_number(series: "pd.Series[Any]") -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def clean(series: "pd.Series[Any]", column: str, dataset: str) -> "pd.Series[Any]":
    """The series without NaN and ±inf; UnusableData when nothing is left."""
    cleaned = series.replace([-np.inf, np.inf], np.nan).dropna()
    if cleaned.empty:
        raise UnusableData(
            f"An empty column {column!r} was provided for drift calculation in the "
            f"{dataset} dataset.",
            details={"column": column, "dataset": dataset},
        )
    return cleaned


def _distinct(cleaned: "pd.Series[Any]") -> tuple[list[Any], dict[Any, int]]:
    return list(cleaned.unique()), dict(cleaned.value_counts())


def summarise(series: "pd.Series[Any]", kind: Kind, column: str, dataset: str) -> ColumnSide:
    cleaned = clean(series, column, dataset)
    if kind == "categorical":
        first_seen, counts = _distinct(cleaned)
        return ColumnSide(kind, len(cleaned), len(first_seen), first_seen, counts, source=cleaned)
    values = cleaned.to_numpy(dtype=np.float64, copy=True)  # sorted in place below
    std = float(np.std(values))
    values.sort()
    nunique = 1 + int(np.count_nonzero(values[1:] != values[:-1]))
    side = ColumnSide(kind, len(values), nunique, None, None, values, std, cleaned)
    if nunique <= BINNED_ABOVE:  # counted now: a cached reference keeps the counts
        side.first_seen, side.counts = _distinct(cleaned)
    return side

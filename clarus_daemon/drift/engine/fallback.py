"""Column tests the engine does not implement: Evidently's own function, per column.

A monitor may name any Evidently stattest in `column_methods` (psi, kl_div,
anderson, ...). Those columns are tested by Evidently's registered function on
the same cleaned values; Evidently is imported only when such a column exists.
"""

from typing import Any

import numpy as np
import pandas as pd

from clarus_daemon.drift.engine.columns import ColumnSide
from clarus_daemon.drift.errors import MonitorMisconfigured, UnusableData


def _series(side: ColumnSide) -> "pd.Series[Any]":
    if side.source is not None:
        return side.source
    if side.sorted_values is not None:  # a cached reference: order does not matter here
        return pd.Series(side.sorted_values)
    counts = side.value_counts()
    return pd.Series(np.repeat(np.array(list(counts), dtype=object), list(counts.values())))


def evidently_test(
    method: str, reference: ColumnSide, current: ColumnSide, threshold: float | None
) -> tuple[float, bool, float]:
    """(score, drifted, threshold used) from Evidently's stattest named `method`."""
    from evidently.legacy.calculations.stattests.registry import (  # noqa: PLC0415
        StatTestNotFoundError,
        get_stattest,
    )
    from evidently.legacy.core import ColumnType  # noqa: PLC0415

    column_type = ColumnType.Numerical if reference.kind == "numerical" else ColumnType.Categorical
    ref, cur = _series(reference), _series(current)
    try:
        test = get_stattest(ref, cur, column_type, method)
        result = test(ref, cur, column_type, threshold)
    except StatTestNotFoundError as err:
        raise MonitorMisconfigured(f"column_methods: {err}") from err
    except (ValueError, TypeError) as err:
        raise UnusableData(f"Evidently cannot compare the datasets: {err}") from err
    return float(result.drift_score), bool(result.drifted), float(result.actual_threshold)

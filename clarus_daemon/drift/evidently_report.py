"""Evidently's DataDriftPreset on two frames, typed and configured as the engine is.

Worker side only: importing this module imports Evidently (~2 s, ~120 MB). The
report worker renders the HTML and JSON report with it; the oracle tests compare
its per-column results with the engine's.
"""

from typing import Any

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.legacy.calculations.stattests.registry import StatTestNotFoundError
from evidently.presets import DataDriftPreset

from clarus_daemon.drift.engine.columns import is_number
from clarus_daemon.drift.engine.compare import compared_columns
from clarus_daemon.drift.errors import MonitorMisconfigured, UnusableData
from clarus_daemon.drift.results import DetectOptions


def run_preset(reference: pd.DataFrame, current: pd.DataFrame, options: DetectOptions) -> Any:
    """The Snapshot of Report([DataDriftPreset], include_tests=True) over the frames."""
    columns = compared_columns([str(column) for column in reference.columns], options)
    numerical = [
        column
        for column in columns
        if is_number(reference[column]) and column not in options.categorical_columns
    ]
    categorical = [column for column in columns if column not in numerical]
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

"""The drift decision: a reference (its bytes or its cached summary) and new data in,
a picklable Detection out.

Worker side only (pandas, numpy, scipy); no asyncio, no I/O besides the bytes given.
The decision is Evidently's DataDriftPreset's, computed by the daemon's engine
(`clarus_daemon.drift.engine`): the test per column follows its type and the
reference's size, and the dataset drifts when at least `drift_share` of the
compared columns do. Evidently itself renders the report, elsewhere. With
`options.sample` set (data over the memory budget) both sides are seeded samples.
"""

import time
from pathlib import Path

import pandas as pd

from clarus_daemon.drift.engine.compare import (
    ReferenceSummary,
    dataset_share,
    summarise_reference,
    test_columns,
)
from clarus_daemon.drift.frames import Source, check_same_columns, read_frame, read_sample
from clarus_daemon.drift.results import Detection, DetectOptions


def read_data(source: Source, name: str, options: DetectOptions) -> tuple[pd.DataFrame, str, int]:
    """(frame, separator, rows the data holds): all of it, or the sample options ask for."""
    if options.sample is not None and isinstance(source, Path):
        return read_sample(source, name, options.separator, options.sample)
    frame, separator = read_frame(source, name, options.separator, arrow_backed=True)
    return frame, separator, len(frame)


def read_reference(
    source: Source, name: str, options: DetectOptions
) -> tuple[ReferenceSummary, int]:
    """The reference's summary and the rows it holds (more than summarised if sampled)."""
    frame, separator, total = read_data(source, name, options)
    return summarise_reference(frame, separator, options), total


def detect_against(
    reference: ReferenceSummary,
    current: Source,
    options: DetectOptions,
    names: tuple[str, str],
    read_s: float = 0.0,
    *,
    reference_total: int | None = None,
) -> Detection:
    """Compare `current` with a summarised reference; `names` label the two in errors."""
    started = time.perf_counter()
    frame, separator, total = read_data(current, names[1], options)
    check_same_columns(reference.columns, [str(column) for column in frame.columns], names)
    tested = time.perf_counter()
    columns = test_columns(reference, frame, options)
    share = dataset_share(columns)
    return Detection(
        drift=share >= options.drift_share,
        share=share,
        drift_share=options.drift_share,
        columns=columns,
        reference_rows=reference.rows,
        current_rows=len(frame),
        separators=(reference.separator, separator),
        read_s=read_s + tested - started,
        detect_s=time.perf_counter() - tested,
        total_rows=None if options.sample is None else (reference_total or reference.rows, total),
        sample=options.sample,
    )


def detect(
    reference: Source, current: Source, options: DetectOptions, names: tuple[str, str]
) -> Detection:
    """Compare `current` with `reference`; `names` label the two in error messages."""
    started = time.perf_counter()
    summary, total = read_reference(reference, names[0], options)
    return detect_against(
        summary, current, options, names, time.perf_counter() - started, reference_total=total
    )

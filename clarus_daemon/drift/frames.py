"""CSV or Parquet bytes into pandas frames, and the checks that make two comparable.

Worker side only: importing this module imports pandas.
"""

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from pandas._libs import lib
from pandas._libs.parsers import STR_NA_VALUES

from clarus_daemon.drift.errors import MonitorMisconfigured, UnusableData
from clarus_daemon.drift.results import Sample
from clarus_daemon.drift.sampling import sample_csv, sample_parquet
from clarus_daemon.drift.separator import CANDIDATES, HEAD_BYTES, head_text, sniff_separator

Source = bytes | Path
"""The data itself, or a file holding it (read by pyarrow directly: no copy in Python)."""

PARQUET_SUFFIX = ".parquet"
PARQUET = "parquet"
"""The 'separator' reported for a Parquet object."""


def _readable(source: Source) -> io.BytesIO | Path:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _head(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source[: HEAD_BYTES + 1]
    with source.open("rb") as file:
        return file.read(HEAD_BYTES + 1)


STREAM_BLOCK_BYTES = 4 << 20
"""Blocks of the streaming reader: pd.read_csv holds the whole file's parse buffers at once,
about 110 MB more than the table itself for a 57 MB CSV."""


def _stream(source: Source, separator: str) -> pd.DataFrame | None:
    """What pd.read_csv(engine="pyarrow", dtype_backend="pyarrow") gives, read in blocks
    with the options pandas passes to pyarrow; None when a later block holds a value the
    first block's types cannot (the streaming reader infers types from the first block)."""
    reader_input = pa.BufferReader(source) if isinstance(source, bytes) else str(source)
    try:
        with pa_csv.open_csv(
            reader_input,
            read_options=pa_csv.ReadOptions(block_size=STREAM_BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(delimiter=separator, ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(
                null_values=sorted(STR_NA_VALUES), strings_can_be_null=True
            ),
        ) as reader:
            table = reader.read_all()
    except pa.ArrowInvalid:
        return None
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _parse(source: Source, name: str, separator: str, arrow_backed: bool) -> pd.DataFrame:
    streamed = _stream(source, separator) if arrow_backed else None
    if streamed is not None:
        return streamed
    try:
        # pyarrow parses about three times faster than the C engine
        return pd.read_csv(
            _readable(source),
            sep=separator,
            engine="pyarrow",
            dtype_backend="pyarrow" if arrow_backed else lib.no_default,
        )
    except ValueError as err:  # ParserError, ArrowInvalid and UnicodeDecodeError are ValueErrors
        raise UnusableData(
            f"{name} is not a readable CSV with separator {separator!r}: {err}",
            details={"object": name, "separator": separator},
        ) from err


def _check_shape(frame: pd.DataFrame, name: str, separator: str) -> None:
    columns = [str(column) for column in frame.columns]
    if (
        separator != PARQUET
        and len(columns) == 1
        and any(c in columns[0] for c in CANDIDATES if c != separator)
    ):
        raise UnusableData(
            f"{name} has one column {columns[0]!r}: is its separator really {separator!r}?",
            details={"object": name, "separator": separator},
        )
    duplicates = sorted({column for column in columns if columns.count(column) > 1})
    if duplicates:
        raise UnusableData(
            f"{name} names these columns more than once: {', '.join(duplicates)}",
            details={"object": name, "columns": duplicates},
        )
    if frame.empty:
        raise UnusableData(f"{name} has no data rows", details={"object": name})


def _parse_parquet(source: Source, name: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(_readable(source))
    except (ValueError, OSError) as err:  # ArrowInvalid is a ValueError
        raise UnusableData(
            f"{name} is not a readable Parquet file: {err}", details={"object": name}
        ) from err


def read_frame(
    source: Source, name: str, separator: str | None, *, arrow_backed: bool = False
) -> tuple[pd.DataFrame, str]:
    """The parsed frame and the separator used; UnusableData naming `name` otherwise.

    An object whose name ends in .parquet is read as Parquet (separator "parquet").
    arrow_backed: a CSV's columns stay in pyarrow's memory instead of being copied
    into numpy arrays all at once; `numpy_column` converts them one at a time.
    """
    if name.endswith(PARQUET_SUFFIX):
        frame, used = _parse_parquet(source, name), PARQUET
    else:
        used = _separator(source, name, separator)
        frame = _parse(source, name, used, arrow_backed)
    return _checked(frame, name, used), used


def _separator(source: Source, name: str, separator: str | None) -> str:
    head = _head(source)
    if not head_text(head).strip():
        raise UnusableData(f"{name} is empty", details={"object": name})
    return separator or sniff_separator(head)


def _checked(frame: pd.DataFrame, name: str, separator: str) -> pd.DataFrame:
    _check_shape(frame, name, separator)
    frame.columns = [str(column) for column in frame.columns]
    return frame


def read_sample(
    path: Path, name: str, separator: str | None, sample: Sample
) -> tuple[pd.DataFrame, str, int]:
    """read_frame(arrow_backed=True) of a seeded sample of the rows, and the rows the
    file holds; the file is read in blocks, never whole."""
    if name.endswith(PARQUET_SUFFIX):
        table, total = sample_parquet(path, name, sample)
        return _checked(table.to_pandas(), name, PARQUET), PARQUET, total
    used = _separator(path, name, separator)
    table, total = sample_csv(path, name, used, sample)
    return _checked(table.to_pandas(types_mapper=pd.ArrowDtype), name, used), used, total


def check_same_columns(reference: list[str], current: list[str], names: tuple[str, str]) -> None:
    missing = [c for c in reference if c not in current]
    extra = [c for c in current if c not in reference]
    if missing or extra:
        parts = [
            f"missing in {names[1]}: {', '.join(missing)}" if missing else "",
            f"only in {names[1]}: {', '.join(extra)}" if extra else "",
        ]
        raise UnusableData(
            f"{names[0]} and {names[1]} have different columns ("
            + "; ".join(part for part in parts if part)
            + ")",
            details={
                "reference": names[0],
                "new_data": names[1],
                "missing_in_new_data": missing,
                "only_in_new_data": extra,
            },
        )


def require_known(columns: Iterable[str], known: list[str], setting: str) -> None:
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise MonitorMisconfigured(
            f"{setting} names columns the data does not have: {', '.join(unknown)}",
            details={"setting": setting, "columns": unknown, "data_columns": known},
        )


def numpy_column(series: "pd.Series[Any]") -> "pd.Series[Any]":
    """A column as `pd.read_csv(engine="pyarrow")` gives it without a dtype backend
    (pyarrow's own conversion; an all-empty column is float NaN, as pandas makes it)."""
    if not isinstance(series.dtype, pd.ArrowDtype | pd.StringDtype):
        return series
    chunked = series.array.__arrow_array__()
    if pa.types.is_null(chunked.type):
        return pd.Series(np.full(len(series), np.nan), index=series.index, name=series.name)
    return chunked.to_pandas().rename(series.name).set_axis(series.index)


def numpy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every column as `numpy_column` gives it."""
    return pd.DataFrame({column: numpy_column(frame[column]) for column in frame.columns})

"""CSV or Parquet bytes into pandas frames, and the checks that make two comparable.

Worker side only: importing this module imports pandas.
"""

import io
from collections.abc import Iterable

import pandas as pd

from clarus_daemon.drift.errors import MonitorMisconfigured, UnusableData
from clarus_daemon.drift.separator import CANDIDATES, head_text, sniff_separator

PARQUET_SUFFIX = ".parquet"
PARQUET = "parquet"
"""The 'separator' reported for a Parquet object."""


def _parse(data: bytes, name: str, separator: str) -> pd.DataFrame:
    try:
        # pyarrow parses about three times faster than the C engine
        return pd.read_csv(io.BytesIO(data), sep=separator, engine="pyarrow")
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


def _parse_parquet(data: bytes, name: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(data))
    except (ValueError, OSError) as err:  # ArrowInvalid is a ValueError
        raise UnusableData(
            f"{name} is not a readable Parquet file: {err}", details={"object": name}
        ) from err


def read_frame(data: bytes, name: str, separator: str | None) -> tuple[pd.DataFrame, str]:
    """The parsed frame and the separator used; UnusableData naming `name` otherwise.

    An object whose name ends in .parquet is read as Parquet (separator "parquet").
    """
    if name.endswith(PARQUET_SUFFIX):
        frame, used = _parse_parquet(data, name), PARQUET
    else:
        if not head_text(data).strip():
            raise UnusableData(f"{name} is empty", details={"object": name})
        used = separator or sniff_separator(data)
        frame = _parse(data, name, used)
    _check_shape(frame, name, used)
    frame.columns = [str(column) for column in frame.columns]
    return frame, used


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

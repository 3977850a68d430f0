"""CSV bytes into pandas frames, and the checks that make two frames comparable.

Worker side only: importing this module imports pandas.
"""

import io
from collections.abc import Iterable

import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from clarus_daemon.drift.errors import MonitorMisconfigured, UnusableData
from clarus_daemon.drift.separator import CANDIDATES, head_text, sniff_separator


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
    if len(columns) == 1 and any(c in columns[0] for c in CANDIDATES if c != separator):
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


def read_frame(data: bytes, name: str, separator: str | None) -> tuple[pd.DataFrame, str]:
    """The parsed frame and the separator used; UnusableData naming `name` otherwise."""
    if not head_text(data).strip():
        raise UnusableData(f"{name} is empty", details={"object": name})
    used = separator or sniff_separator(data)
    frame = _parse(data, name, used)
    _check_shape(frame, name, used)
    frame.columns = [str(column) for column in frame.columns]
    return frame, used


def check_same_columns(
    reference: pd.DataFrame, current: pd.DataFrame, names: tuple[str, str]
) -> None:
    missing = [c for c in reference.columns if c not in current.columns]
    extra = [c for c in current.columns if c not in reference.columns]
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


def split_types(
    reference: pd.DataFrame, current: pd.DataFrame, columns: list[str], categorical: set[str]
) -> tuple[list[str], list[str]]:
    """(numerical, categorical): numbers are numerical unless configured categorical.

    Typed here, not by Evidently's inference, so that a small-integer column such as
    the wine `quality` score is compared the same way whatever the Evidently version.
    """
    numerical: list[str] = []
    for column in columns:
        in_reference, in_current = _is_number(reference[column]), _is_number(current[column])
        if in_reference != in_current:
            raise UnusableData(
                f"column {column!r} holds numbers in "
                f"{'the reference' if in_reference else 'the new data'} but not in the other",
                details={"column": column},
            )
        if in_reference and column not in categorical:
            numerical.append(column)
    return numerical, [column for column in columns if column not in numerical]


def _is_number(series: "pd.Series[object]") -> bool:
    return is_numeric_dtype(series) and not is_bool_dtype(series)

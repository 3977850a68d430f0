"""How values are stored: UTC timestamps that sort as text, details as JSON."""

import dataclasses
import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def to_db_time(moment: datetime) -> str:
    """Fixed-width UTC ISO 8601, so comparing the text compares the moments."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _finite(value: Any) -> Any:
    # A constant column gives Evidently a NaN score; JSON has no NaN, clients choke on it.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def to_json(value: Any) -> str:
    """Whatever a service put in its details is kept, as far as JSON can hold it."""
    plain = json.loads(json.dumps(value, default=_plain))
    return json.dumps(_finite(plain), separators=(",", ":"), allow_nan=False)


def from_json(text: str) -> Any:
    return json.loads(text)

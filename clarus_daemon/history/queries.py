"""Reading the history: newest first, in pages that neither skip nor repeat rows.

Paging is by key, not offset: a cursor is the id of the last row handed out and
the next page starts below it. Ids only grow (AUTOINCREMENT never reuses one,
even after pruning), so rows written or pruned between two pages shift nothing.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import aiosqlite

from clarus_daemon.digits import ascii_number
from clarus_daemon.errors import InvalidRequest
from clarus_daemon.history.codec import from_db_time, from_json, to_db_time
from clarus_daemon.history.records import DriftRunRecord, EventRecord, Page

Row = TypeVar("Row")

MAX_PAGE = 500
_EVENT_COLUMNS = "id, kind, subject, outcome, started_at, ended_at, details"
_RUN_COLUMNS = (
    "id, event_id, monitor, trigger, run_id, started_at, ended_at, outcome, drift_share, "
    "dataset_drift, columns, reports, dag_run_id, failed_step, error"
)


def decode_cursor(cursor: str) -> int:
    position = ascii_number(cursor)
    if position is None or position < 1:
        raise InvalidRequest(
            f"cursor: {cursor!r} is not a cursor from a previous page", details={"field": "cursor"}
        )
    return position


def _event(row: aiosqlite.Row) -> EventRecord:
    ended_at = from_db_time(row["ended_at"])
    assert ended_at is not None
    return EventRecord(
        id=row["id"],
        kind=row["kind"],
        subject=row["subject"],
        outcome=row["outcome"],
        started_at=from_db_time(row["started_at"]),
        ended_at=ended_at,
        details=from_json(row["details"]),
    )


def _drift_run(row: aiosqlite.Row) -> DriftRunRecord:
    ended_at = from_db_time(row["ended_at"])
    assert ended_at is not None
    dataset_drift = row["dataset_drift"]
    return DriftRunRecord(
        id=row["id"],
        event_id=row["event_id"],
        monitor=row["monitor"],
        trigger=row["trigger"],
        run_id=row["run_id"],
        started_at=from_db_time(row["started_at"]),
        ended_at=ended_at,
        outcome=row["outcome"],
        drift_share=row["drift_share"],
        dataset_drift=None if dataset_drift is None else bool(dataset_drift),
        columns=from_json(row["columns"]),
        reports=from_json(row["reports"]),
        dag_run_id=row["dag_run_id"],
        failed_step=row["failed_step"],
        error=row["error"],
    )


class HistoryQueries:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _rows(self, sql: str, params: Sequence[Any]) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _page(
        self,
        table_sql: str,
        filters: dict[str, Any],
        limit: int,
        cursor: str | None,
        to_record: Callable[[aiosqlite.Row], Row],
    ) -> Page[Row]:
        conditions = [f"{column} ?" for column, value in filters.items() if value is not None]
        params = [value for value in filters.values() if value is not None]
        if cursor is not None:
            conditions.append("id < ?")
            params.append(decode_cursor(cursor))
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        limit = max(1, min(limit, MAX_PAGE))
        rows = await self._rows(
            f"{table_sql}{where} ORDER BY id DESC LIMIT ?", [*params, limit + 1]
        )
        more = len(rows) > limit
        rows = rows[:limit]
        return Page([to_record(r) for r in rows], str(rows[-1]["id"]) if more else None)

    async def events(
        self,
        *,
        kind: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[EventRecord]:
        filters = {"kind =": kind, "ended_at >=": since and to_db_time(since)}
        return await self._page(
            f"SELECT {_EVENT_COLUMNS} FROM events", filters, limit, cursor, _event
        )

    async def drift_runs(
        self,
        *,
        monitor: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[DriftRunRecord]:
        filters = {"monitor =": monitor, "ended_at >=": since and to_db_time(since)}
        return await self._page(
            f"SELECT {_RUN_COLUMNS} FROM drift_runs", filters, limit, cursor, _drift_run
        )

    async def drift_run(self, number: int) -> DriftRunRecord | None:
        rows = await self._rows(f"SELECT {_RUN_COLUMNS} FROM drift_runs WHERE id = ?", [number])
        return _drift_run(rows[0]) if rows else None

    async def latest_drift_runs(self) -> dict[str, DriftRunRecord]:
        """The last run of every monitor that ever ran."""
        rows = await self._rows(
            f"SELECT {_RUN_COLUMNS} FROM drift_runs "
            "WHERE id IN (SELECT MAX(id) FROM drift_runs GROUP BY monitor)",
            [],
        )
        return {row["monitor"]: _drift_run(row) for row in rows}

    async def recent_outcomes(self, monitor: str, count: int) -> list[tuple[str, datetime]]:
        """The monitor's last `count` run outcomes with their end, oldest first."""
        rows = await self._rows(
            "SELECT outcome, ended_at FROM drift_runs WHERE monitor = ? ORDER BY id DESC LIMIT ?",
            [monitor, count],
        )
        outcomes = [(r["outcome"], from_db_time(r["ended_at"])) for r in reversed(rows)]
        return [(outcome, ended) for outcome, ended in outcomes if ended is not None]

    async def drift_share_series(self, monitor: str, points: int) -> list[tuple[datetime, float]]:
        """The monitor's last `points` measured shares, oldest first."""
        rows = await self._rows(
            "SELECT ended_at, drift_share FROM drift_runs "
            "WHERE monitor = ? AND drift_share IS NOT NULL ORDER BY id DESC LIMIT ?",
            [monitor, points],
        )
        series = [(from_db_time(r["ended_at"]), r["drift_share"]) for r in reversed(rows)]
        return [(moment, share) for moment, share in series if moment is not None]

    async def deployed_containers(self, container_ids: Sequence[str]) -> set[str]:
        """Those of `container_ids` a successful deploy or replace recorded as its service."""
        if not container_ids:
            return set()
        marks = ", ".join("?" * len(container_ids))
        rows = await self._rows(
            "SELECT DISTINCT json_extract(details, '$.container_id') AS container FROM events "
            "WHERE kind IN ('deploy', 'replace') AND outcome IN ('ok', 'unchanged') "
            f"AND json_extract(details, '$.container_id') IN ({marks})",
            list(container_ids),
        )
        return {row["container"] for row in rows}

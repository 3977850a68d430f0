"""The audit log: who changed what, when, from where, and how it ended.

Rows are only added (an UPDATE is refused by a trigger) and removed only once older
than history.audit_keep_days; they live in the history file, so they outlast restarts.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from clarus_daemon.history.codec import from_db_time, from_json, to_db_time, to_json
from clarus_daemon.history.queries import MAX_PAGE, decode_cursor
from clarus_daemon.history.records import Page

_COLUMNS = ("at", "principal", "client", "action", "subject", "outcome", "status", "details")
_INSERT = f"INSERT INTO audit ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    principal: str
    """The token's name, a trusted network, or "anonymous" when no token is configured."""
    client: str
    """The caller's address."""
    action: str
    """deploy, replace, remove, model_fetch, model_switch, drift_check..."""
    subject: str
    """The inference id, experiment or monitor acted on."""
    outcome: str
    """ok, refused (4xx) or failed (5xx)."""
    status: int
    details: Mapping[str, Any]
    """Image and digest, environment variable names (never values), error code..."""


@dataclass(frozen=True)
class AuditRecord(AuditEntry):
    id: int


def _record(row: aiosqlite.Row) -> AuditRecord:
    at = from_db_time(row["at"])
    assert at is not None
    return AuditRecord(
        id=row["id"],
        at=at,
        principal=row["principal"],
        client=row["client"],
        action=row["action"],
        subject=row["subject"],
        outcome=row["outcome"],
        status=row["status"],
        details=from_json(row["details"]),
    )


class AuditLog:
    def __init__(self, db: aiosqlite.Connection, write_lock: asyncio.Lock) -> None:
        self._db = db
        self._write_lock = write_lock

    async def append(self, entry: AuditEntry) -> None:
        values = (
            to_db_time(entry.at),
            entry.principal,
            entry.client,
            entry.action,
            entry.subject,
            entry.outcome,
            entry.status,
            to_json(dict(entry.details)),
        )
        async with self._write_lock:
            await self._db.execute(_INSERT, values)

    async def page(
        self,
        *,
        action: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[AuditRecord]:
        """Newest first; keyset paging on the id, like /api/events."""
        conditions, params = [], []
        for condition, value in (
            ("action = ?", action),
            ("at >= ?", since and to_db_time(since)),
            ("id < ?", cursor and decode_cursor(cursor)),
        ):
            if value is not None:
                conditions.append(condition)
                params.append(value)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        limit = max(1, min(limit, MAX_PAGE))
        async with self._db.execute(
            f"SELECT id, {', '.join(_COLUMNS)} FROM audit{where} ORDER BY id DESC LIMIT ?",
            [*params, limit + 1],
        ) as rows:
            found = list(await rows.fetchall())
        more = len(found) > limit
        found = found[:limit]
        return Page([_record(r) for r in found], str(found[-1]["id"]) if more else None)

    async def prune(self, now: datetime, keep_days: float | None) -> int:
        if keep_days is None:
            return 0
        cutoff = to_db_time(now - timedelta(days=keep_days))
        async with self._write_lock:
            cursor = await self._db.execute("DELETE FROM audit WHERE at < ?", (cutoff,))
        return cursor.rowcount

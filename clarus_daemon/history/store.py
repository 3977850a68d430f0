"""The history file: opened once, written by one writer, pruned by age and count."""

import asyncio
import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import aiosqlite

from clarus_daemon.events import Event
from clarus_daemon.history.audit import AuditLog
from clarus_daemon.history.codec import to_db_time, to_json
from clarus_daemon.history.drift_fields import drift_fields
from clarus_daemon.history.migrations import migrate
from clarus_daemon.history.queries import HistoryQueries

log = logging.getLogger("clarus_daemon.history")

MEMORY = ":memory:"
_PRAGMAS = (
    # WAL: readers never wait for the writer, and a crash loses at most the last commit.
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
)

_RUN_INSERT = (
    "event_id",
    "monitor",
    "trigger",
    "run_id",
    "started_at",
    "ended_at",
    "outcome",
    "drift_share",
    "dataset_drift",
    "columns",
    "reports",
    "dag_run_id",
    "failed_step",
    "error",
)


class HistoryUnavailable(Exception):
    """The history file cannot be opened or is not one this daemon can use."""


class HistoryStore(HistoryQueries):
    def __init__(self, db: aiosqlite.Connection, location: str) -> None:
        super().__init__(db)
        self.location = location
        self.problem: str | None = None
        """Why history is only kept in memory, when it had to fall back to that."""
        # One connection serves every coroutine; the lock keeps transactions apart.
        self._write_lock = asyncio.Lock()
        self.audit = AuditLog(db, self._write_lock)

    @classmethod
    async def open(cls, path: Path | str) -> "HistoryStore":
        location = str(path)
        try:
            if location != MEMORY:
                Path(location).parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(location, isolation_level=None)
        except (OSError, sqlite3.Error) as err:
            raise HistoryUnavailable(f"{location}: {err}") from err
        try:
            db.row_factory = aiosqlite.Row
            for pragma in _PRAGMAS:
                await db.execute(pragma)
            await migrate(db)
        except BaseException as err:
            await db.close()
            if isinstance(err, OSError | sqlite3.Error | RuntimeError):
                raise HistoryUnavailable(f"{location}: {err}") from err
            raise
        return cls(db, location)

    async def close(self) -> None:
        await self._db.close()

    async def append(self, event: Event) -> int:
        """Store the event (and its drift run, if it is one); returns the event's id."""
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                event_id = await self._insert_event(event)
                if event.kind == "drift_run":
                    await self._insert_drift_run(event_id, event)
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")
        return event_id

    async def _insert_event(self, event: Event) -> int:
        cursor = await self._db.execute(
            "INSERT INTO events (kind, subject, outcome, started_at, ended_at, details) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                event.kind,
                event.subject,
                event.outcome,
                event.started_at and to_db_time(event.started_at),
                to_db_time(event.ended_at),
                to_json(event.details),
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def _insert_drift_run(self, event_id: int, event: Event) -> None:
        fields = drift_fields(event.details, event.outcome)
        await self._db.execute(
            f"INSERT INTO drift_runs ({', '.join(_RUN_INSERT)}) "
            f"VALUES ({', '.join('?' * len(_RUN_INSERT))})",
            (
                event_id,
                event.subject,
                fields.trigger,
                fields.run_id,
                event.started_at and to_db_time(event.started_at),
                to_db_time(event.ended_at),
                event.outcome,
                fields.drift_share,
                fields.dataset_drift,
                to_json(fields.columns),
                to_json(fields.reports),
                fields.dag_run_id,
                fields.failed_step,
                fields.error,
            ),
        )

    async def prune(
        self, now: datetime, *, keep_days: float | None, keep_events: int | None
    ) -> int:
        """Delete events (and their drift runs) beyond the age or count limit."""
        deleted = 0
        async with self._write_lock:
            if keep_days is not None:
                cutoff = to_db_time(now - timedelta(days=keep_days))
                deleted += await self._delete("DELETE FROM events WHERE ended_at < ?", (cutoff,))
            if keep_events is not None:
                deleted += await self._delete(
                    "DELETE FROM events WHERE id <= "
                    "(SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?)",
                    (keep_events,),
                )
        if deleted:
            log.info("history: pruned %d old events", deleted)
        return deleted

    async def _delete(self, sql: str, params: tuple[object, ...]) -> int:
        cursor = await self._db.execute(sql, params)
        return cursor.rowcount

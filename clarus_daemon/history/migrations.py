"""The history's schema, in numbered steps applied once each.

A daemon upgraded in place finds an older file; each step not yet recorded in
schema_migrations runs in its own transaction, so a crash mid-upgrade leaves the
file at the last complete version.
"""

import logging
from datetime import UTC, datetime

import aiosqlite

log = logging.getLogger("clarus_daemon.history")

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            outcome TEXT NOT NULL,
            started_at TEXT,
            ended_at TEXT NOT NULL,
            details TEXT NOT NULL
        )""",
        "CREATE INDEX events_by_kind ON events (kind, id)",
        "CREATE INDEX events_by_end ON events (ended_at)",
        """CREATE TABLE drift_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id INTEGER NOT NULL UNIQUE REFERENCES events (id) ON DELETE CASCADE,
            monitor TEXT NOT NULL,
            trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'scheduled')),
            started_at TEXT,
            ended_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            drift_share REAL,
            dataset_drift INTEGER,
            columns TEXT NOT NULL,
            reports TEXT NOT NULL,
            dag_run_id TEXT,
            failed_step TEXT,
            error TEXT
        )""",
        "CREATE INDEX drift_runs_by_monitor ON drift_runs (monitor, id)",
        "CREATE INDEX drift_runs_by_end ON drift_runs (ended_at)",
    ),
    # the pipeline's own name of a run: its reports, journal and DAG run derive from it
    ("ALTER TABLE drift_runs ADD COLUMN run_id TEXT",),
    # who changed what: rows are only ever added, and removed by age
    (
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            principal TEXT NOT NULL,
            client TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            outcome TEXT NOT NULL,
            status INTEGER NOT NULL,
            details TEXT NOT NULL
        )""",
        "CREATE INDEX audit_by_time ON audit (at)",
        """CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


async def _applied_versions(db: aiosqlite.Connection) -> set[int]:
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    async with db.execute("SELECT version FROM schema_migrations") as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def migrate(db: aiosqlite.Connection) -> int:
    """Bring the schema to SCHEMA_VERSION; returns it. Needs an autocommit connection."""
    applied = await _applied_versions(db)
    newer = [v for v in applied if v > SCHEMA_VERSION]
    if newer:
        raise RuntimeError(
            f"history schema version {max(newer)} is newer than this daemon's "
            f"({SCHEMA_VERSION}); use the newer daemon or another history.path"
        )
    for version, statements in enumerate(MIGRATIONS, start=1):
        if version in applied:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                await db.execute(statement)
            await db.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                (version, datetime.now(UTC).isoformat()),
            )
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")
        log.info("history schema migrated to version %d", version)
    return SCHEMA_VERSION

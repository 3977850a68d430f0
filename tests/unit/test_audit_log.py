"""The audit table: append-only, paged newest first, pruned by age alone, kept in the file."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clarus_daemon.history.audit import AuditEntry
from clarus_daemon.history.store import HistoryStore

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _entry(days_ago: float, subject: str) -> AuditEntry:
    return AuditEntry(
        at=NOW - timedelta(days=days_ago),
        principal="mlops",
        client="10.0.0.7",
        action="deploy",
        subject=subject,
        outcome="ok",
        status=201,
        details={"env_keys": ["A"]},
    )


async def test_entries_survive_a_restart_and_cannot_be_changed(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = await HistoryStore.open(path)
    await store.audit.append(_entry(1, "a"))
    await store.audit.append(_entry(0, "b"))
    await store.close()

    store = await HistoryStore.open(path)
    try:
        page = await store.audit.page()
        assert [r.subject for r in page.rows] == ["b", "a"]
        assert page.rows[0].details == {"env_keys": ["A"]}
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await store._db.execute("UPDATE audit SET principal = 'someone else'")
    finally:
        await store.close()


async def test_paging_and_pruning_by_age_only(tmp_path: Path) -> None:
    store = await HistoryStore.open(tmp_path / "history.sqlite3")
    try:
        for number in range(5):
            await store.audit.append(_entry(10 - number, f"s{number}"))
        first = await store.audit.page(limit=2)
        second = await store.audit.page(limit=2, cursor=first.next_cursor)
        assert [r.subject for r in first.rows + second.rows] == ["s4", "s3", "s2", "s1"]

        # event pruning (by count too) leaves the audit alone
        await store.prune(NOW, keep_days=None, keep_events=1)
        assert await store.audit.prune(NOW, None) == 0
        assert await store.audit.prune(NOW, keep_days=7.5) == 3
        assert [r.subject for r in (await store.audit.page()).rows] == ["s4", "s3"]
    finally:
        await store.close()

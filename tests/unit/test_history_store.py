"""The history file: what is stored, survival across restarts, paging and pruning."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clarus_daemon.errors import InvalidRequest
from clarus_daemon.events import Event
from clarus_daemon.history.migrations import MIGRATIONS, SCHEMA_VERSION
from clarus_daemon.history.store import HistoryStore, HistoryUnavailable

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

DRIFT_DETAILS = {
    "trigger": "scheduled",
    "share": 0.25,
    "dataset_drift": False,
    "columns": {
        "alcohol": {"drifted": True, "score": 0.012, "method": "ks", "threshold": 0.05},
        "ph": {"drifted": False, "score": float("nan"), "method": "ks", "threshold": 0.05},
    },
    "reports": {"html": "s3://datasets/reports/wine/run.html"},
    "dag_run_id": "manual__2026-03-01",
}


@pytest.fixture
async def store(tmp_path: Path):
    opened = await HistoryStore.open(tmp_path / "state" / "history.sqlite3")
    yield opened
    await opened.close()


def drift_event(outcome: str = "no_drift", at: datetime = T0, **details: object) -> Event:
    return Event(
        "drift_run",
        "wine",
        outcome,
        {**DRIFT_DETAILS, **details},
        started_at=at - timedelta(seconds=3),
        ended_at=at,
    )


async def test_a_drift_run_is_stored_with_everything_the_pipeline_reported(
    store: HistoryStore,
) -> None:
    event_id = await store.append(drift_event())
    page = await store.drift_runs()
    (run,) = page.rows
    assert run.event_id == event_id
    assert (run.monitor, run.trigger, run.outcome) == ("wine", "scheduled", "no_drift")
    assert (run.started_at, run.ended_at, run.duration_s) == (T0 - timedelta(seconds=3), T0, 3.0)
    assert run.drift_share == 0.25
    assert run.dataset_drift is False
    assert run.columns["alcohol"] == {
        "drifted": True,
        "score": 0.012,
        "method": "ks",
        "threshold": 0.05,
    }
    assert run.columns["ph"]["score"] is None  # NaN has no JSON form
    assert run.reports == {"html": "s3://datasets/reports/wine/run.html"}
    assert run.dag_run_id == "manual__2026-03-01"
    assert (run.failed_step, run.error) == (None, None)
    assert await store.drift_run(run.id) == run


async def test_a_failed_run_keeps_its_step_and_error(store: HistoryStore) -> None:
    await store.append(
        Event(
            "drift_run",
            "wine",
            "failed",
            {"trigger": "manual", "failed_step": "read_new_data", "error": "NoSuchKey"},
            ended_at=T0,
        )
    )
    (run,) = (await store.drift_runs()).rows
    assert (run.trigger, run.outcome, run.failed_step, run.error) == (
        "manual",
        "failed",
        "read_new_data",
        "NoSuchKey",
    )
    assert (run.drift_share, run.dataset_drift, run.columns, run.reports) == (None, None, {}, {})


async def test_every_event_is_stored_as_it_was_emitted(store: HistoryStore) -> None:
    await store.append(Event("deploy", "inf-1", "ok", {"image": "reg:5000/m:1", "ports": [8000]}))
    await store.append(Event("model_fetch", "exp-7", "failed", {"error": "not_found"}))
    page = await store.events()
    assert [(e.kind, e.subject, e.outcome) for e in page.rows] == [
        ("model_fetch", "exp-7", "failed"),
        ("deploy", "inf-1", "ok"),
    ]
    assert page.rows[1].details == {"image": "reg:5000/m:1", "ports": [8000]}
    assert page.next_cursor is None
    deploys = await store.events(kind="deploy")
    assert [e.subject for e in deploys.rows] == ["inf-1"]


async def test_history_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    first = await HistoryStore.open(path)
    await first.append(drift_event())
    await first.close()
    second = await HistoryStore.open(path)
    try:
        (run,) = (await second.drift_runs()).rows
        assert run.drift_share == 0.25
        assert (await second.events()).rows[0].kind == "drift_run"
    finally:
        await second.close()


async def test_the_file_is_in_wal_mode_with_its_schema_version_recorded(
    store: HistoryStore, tmp_path: Path
) -> None:
    with sqlite3.connect(tmp_path / "state" / "history.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        versions = [row[0] for row in db.execute("SELECT version FROM schema_migrations")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))


async def test_a_file_of_an_older_daemon_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
        for statement in MIGRATIONS[0]:
            db.execute(statement)
        db.execute("INSERT INTO schema_migrations VALUES (1, '2026-01-01')")
        db.execute(
            "INSERT INTO events VALUES (7, 'drift_run', 'wine', 'no_drift', NULL, ?, '{}')",
            (T0.isoformat(timespec="microseconds"),),
        )
        db.execute(
            "INSERT INTO drift_runs (event_id, monitor, trigger, ended_at, outcome, columns, "
            "reports) VALUES (7, 'wine', 'manual', ?, 'no_drift', '{}', '{}')",
            (T0.isoformat(timespec="microseconds"),),
        )
    store = await HistoryStore.open(path)
    try:
        (old,) = (await store.drift_runs()).rows
        assert (old.event_id, old.run_id, old.ended_at) == (7, None, T0)
        await store.append(drift_event(run_id="drift_wine_20260301T120000.000Z"))
        assert (await store.drift_runs()).rows[0].run_id == "drift_wine_20260301T120000.000Z"
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM schema_migrations")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))


async def test_a_file_from_a_newer_daemon_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = await HistoryStore.open(path)
    await store.close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (99, '2030-01-01')")
    with pytest.raises(HistoryUnavailable, match="newer"):
        await HistoryStore.open(path)


async def test_an_unusable_path_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(HistoryUnavailable, match=str(blocker)):
        await HistoryStore.open(blocker / "history.sqlite3")


async def test_paging_neither_skips_nor_repeats_while_rows_come_and_go(
    store: HistoryStore,
) -> None:
    for minute in range(23):
        await store.append(drift_event(at=T0 + timedelta(minutes=minute)))
    seen: list[int] = []
    cursor = None
    while True:
        page = await store.drift_runs(limit=5, cursor=cursor)
        seen.extend(run.id for run in page.rows)
        # runs ending while a client pages must not shift the pages it has not read
        await store.append(drift_event(at=T0 + timedelta(hours=5)))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == list(range(23, 0, -1))


async def test_pruning_while_paging_only_drops_the_pruned_rows(store: HistoryStore) -> None:
    for minute in range(10):
        await store.append(drift_event(at=T0 + timedelta(minutes=minute)))
    first = await store.drift_runs(limit=4)
    await store.prune(T0 + timedelta(minutes=3), keep_days=1 / 86400, keep_events=None)
    rest = await store.drift_runs(limit=10, cursor=first.next_cursor)
    assert [r.id for r in first.rows] == [10, 9, 8, 7]
    assert [r.id for r in rest.rows] == [6, 5, 4]  # 1-3 ended before the cutoff


async def test_paging_with_filters(store: HistoryStore) -> None:
    for minute in range(10):
        await store.append(drift_event(at=T0 + timedelta(minutes=minute)))
        await store.append(Event("deploy", "inf", "ok", ended_at=T0 + timedelta(minutes=minute)))
    since = T0 + timedelta(minutes=4)
    first = await store.events(kind="deploy", since=since, limit=4)
    assert [e.ended_at for e in first.rows] == [T0 + timedelta(minutes=m) for m in (9, 8, 7, 6)]
    assert first.next_cursor is not None
    rest = await store.events(kind="deploy", since=since, limit=4, cursor=first.next_cursor)
    assert [e.ended_at for e in rest.rows] == [T0 + timedelta(minutes=m) for m in (5, 4)]
    assert rest.next_cursor is None
    assert (await store.drift_runs(monitor="other")).rows == []


async def test_a_foreign_cursor_is_a_bad_request(store: HistoryStore) -> None:
    with pytest.raises(InvalidRequest, match="cursor"):
        await store.events(cursor="12abc")


async def test_pruning_by_age_removes_old_events_and_their_runs(store: HistoryStore) -> None:
    await store.append(drift_event(at=T0 - timedelta(days=40)))
    await store.append(Event("deploy", "inf", "ok", ended_at=T0 - timedelta(days=31)))
    await store.append(drift_event(at=T0 - timedelta(days=1)))
    deleted = await store.prune(T0, keep_days=30, keep_events=None)
    assert deleted == 2
    assert [e.ended_at for e in (await store.events()).rows] == [T0 - timedelta(days=1)]
    assert len((await store.drift_runs()).rows) == 1


async def test_pruning_by_count_keeps_the_newest(store: HistoryStore) -> None:
    for minute in range(8):
        await store.append(drift_event(at=T0 + timedelta(minutes=minute)))
    assert await store.prune(T0, keep_days=None, keep_events=3) == 5
    runs = (await store.drift_runs()).rows
    assert [r.ended_at for r in runs] == [T0 + timedelta(minutes=m) for m in (7, 6, 5)]
    assert await store.prune(T0, keep_days=None, keep_events=3) == 0


async def test_latest_runs_and_share_series(store: HistoryStore) -> None:
    for minute, share in enumerate((0.1, 0.6, 0.3)):
        await store.append(drift_event(at=T0 + timedelta(minutes=minute), share=share))
    await store.append(drift_event("failed", at=T0 + timedelta(minutes=5), share=None))
    latest = await store.latest_drift_runs()
    assert latest["wine"].outcome == "failed"
    series = await store.drift_share_series("wine", points=2)
    assert series == [(T0 + timedelta(minutes=1), 0.6), (T0 + timedelta(minutes=2), 0.3)]


async def test_report_keys_are_kept_as_locations_in_their_bucket(store: HistoryStore) -> None:
    reports = {"html": "reports/drift_wine_1.html", "json": "reports/drift_wine_1.json"}
    await store.append(drift_event(bucket="datasets", reports=reports))
    (run,) = (await store.drift_runs()).rows
    assert run.reports == {
        "html": "s3://datasets/reports/drift_wine_1.html",
        "json": "s3://datasets/reports/drift_wine_1.json",
    }

"""The history endpoints on the real application, with a history file per test."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from clarus_daemon import keys
from clarus_daemon.app import create_app
from clarus_daemon.events import Event
from tests.infra.app_settings import make_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
# recent: the history prunes entries older than history.keep_days when it opens
T0 = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
WINE = {"bucket": "datasets", "reference": "wine/ref.csv", "new_data": "wine/new.csv"}


def history_app(
    history_path: Path, monitor: dict[str, Any] | None = None, **history: Any
) -> web.Application:
    return create_app(
        make_settings(
            history={"path": str(history_path), **history},
            docker={"url": "unix:///nonexistent/docker.sock"},
            drift={"monitors": {"wine": {**WINE, **(monitor or {})}}},
        )
    )


@pytest.fixture
async def client(aiohttp_client: ClientFactory, tmp_path: Path) -> TestClient[Any, Any]:
    return await aiohttp_client(history_app(tmp_path / "history.sqlite3"))


async def emit(client: TestClient[Any, Any], event: Event) -> None:
    await client.app[keys.EVENTS].emit(event)


def drift_run(minute: int, outcome: str = "no_drift", **details: Any) -> Event:
    at = T0 + timedelta(minutes=minute)
    base = {"trigger": "manual", "share": minute / 100, "reports": {"html": f"s3://r/{minute}"}}
    return Event("drift_run", "wine", outcome, {**base, **details}, at - timedelta(seconds=2), at)


async def get_json(client: TestClient[Any, Any], path: str, status: int = 200) -> Any:
    response = await client.get(path)
    assert response.status == status, await response.text()
    return await response.json()


async def test_runs_and_events_are_listed_newest_first(client: TestClient[Any, Any]) -> None:
    await emit(client, drift_run(1))
    await emit(client, Event("deploy", "inf-1", "ok", {"image": "m:1"}, ended_at=T0))
    await emit(client, drift_run(2, "failed", failed_step="trigger_dag", error="HTTP 500"))
    runs = (await get_json(client, "/api/drift/runs"))["runs"]
    assert [(r["outcome"], r["failed_step"]) for r in runs] == [
        ("failed", "trigger_dag"),
        ("no_drift", None),
    ]
    assert runs[1]["reports"] == {"html": "s3://r/1"}
    assert runs[1]["duration_s"] == 2
    events = await get_json(client, "/api/events?kind=deploy")
    assert [(e["kind"], e["subject"], e["details"]) for e in events["events"]] == [
        ("deploy", "inf-1", {"image": "m:1"})
    ]


async def test_one_run_with_its_columns_and_reports(client: TestClient[Any, Any]) -> None:
    columns = {"alcohol": {"drifted": True, "score": 0.01, "method": "ks"}}
    await emit(client, drift_run(3, "drift", columns=columns, dag_run_id="manual__x"))
    (listed,) = (await get_json(client, "/api/drift/runs?monitor=wine"))["runs"]
    run = await get_json(client, f"/api/drift/runs/{listed['id']}")
    assert run["columns"] == columns
    assert run["reports"] == {"html": "s3://r/3"}
    assert (run["dag_run_id"], run["dataset_drift"], run["drift_share"]) == (
        "manual__x",
        True,
        0.03,
    )


async def test_paging_through_the_api_visits_every_run_once(client: TestClient[Any, Any]) -> None:
    for minute in range(12):
        await emit(client, drift_run(minute))
    ids: list[int] = []
    path = "/api/drift/runs?limit=5"
    while True:
        page = await get_json(client, path)
        ids += [run["id"] for run in page["runs"]]
        if page["next_cursor"] is None:
            break
        path = f"/api/drift/runs?limit=5&cursor={page['next_cursor']}"
    assert ids == sorted(set(ids), reverse=True)
    assert len(ids) == 12


async def test_since_takes_iso_times_even_with_an_unencoded_plus(
    client: TestClient[Any, Any],
) -> None:
    for minute in range(5):
        await emit(client, drift_run(minute))
    since = (T0 + timedelta(minutes=3)).isoformat()  # ...+00:00, the + arrives as a space
    runs = (await get_json(client, f"/api/drift/runs?since={since}"))["runs"]
    assert len(runs) == 2
    zulu = (T0 + timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
    events = (await get_json(client, f"/api/events?since={zulu}"))["events"]
    assert len(events) == 1


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/events?limit=0", "limit"),
        ("/api/events?limit=many", "limit"),
        ("/api/events?limit=501", "limit"),
        ("/api/events?since=yesterday", "since"),
        ("/api/events?cursor=-4", "cursor"),
        ("/api/events?knd=deploy", "knd"),
        ("/api/drift/runs?since=2026-13-01", "since"),
        ("/api/drift/runs?cursor=abc", "cursor"),
        ("/api/drift/runs/latest", "id"),
        ("/api/drift/monitors/wine/run?wait=perhaps", "wait"),
    ],
)
async def test_bad_query_parameters_are_400_naming_the_parameter(
    client: TestClient[Any, Any], path: str, param: str
) -> None:
    method = client.post if path.endswith("perhaps") else client.get
    response = await method(path)
    assert response.status == 400
    body = await response.json()
    assert body["error"] == "invalid_request"
    assert f"{param}:" in body["message"]


async def test_unknown_run_and_monitor_are_404(client: TestClient[Any, Any]) -> None:
    body = await get_json(client, "/api/drift/runs/999", 404)
    assert "999" in body["message"]
    response = await client.post("/api/drift/monitors/nosuch/run")
    assert response.status == 404
    assert "nosuch" in (await response.json())["message"]


async def test_monitors_show_configuration_and_last_run(client: TestClient[Any, Any]) -> None:
    (monitor,) = (await get_json(client, "/api/drift/monitors"))["monitors"]
    assert (monitor["name"], monitor["last_run"], monitor["schedule"]) == ("wine", None, None)
    assert monitor["config"]["bucket"] == "datasets"
    await emit(client, drift_run(7, "drift"))
    (monitor,) = (await get_json(client, "/api/drift/monitors"))["monitors"]
    assert (monitor["last_run"]["outcome"], monitor["last_run"]["drift_share"]) == ("drift", 0.07)


async def test_a_new_app_on_the_same_file_keeps_the_history(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    first = await aiohttp_client(history_app(path))
    await emit(first, drift_run(1))
    await emit(first, Event("remove", "inf-1", "ok"))
    await first.close()
    second = await aiohttp_client(history_app(path))
    assert len((await get_json(second, "/api/drift/runs"))["runs"]) == 1
    assert [e["kind"] for e in (await get_json(second, "/api/events"))["events"]] == [
        "remove",
        "drift_run",
    ]


async def test_an_unusable_history_path_degrades_to_memory_and_says_so(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    client = await aiohttp_client(history_app(blocker / "history.sqlite3"))
    await emit(client, drift_run(1))
    assert len((await get_json(client, "/api/drift/runs"))["runs"]) == 1
    health = await get_json(client, "/api/health")
    assert any(
        "history kept in memory only" in w and "history.path" in w for w in health["warnings"]
    )


async def test_a_failing_scheduled_monitor_shows_in_health_also_after_a_restart(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    first = await aiohttp_client(history_app(path, {"schedule": "1h"}))
    assert (await get_json(first, "/api/health"))["drift_backoff"] == {}
    for _ in range(3):
        await emit(first, Event("drift_run", "wine", "failed", {"trigger": "scheduled"}))
    paused = (await get_json(first, "/api/health"))["drift_backoff"]
    assert paused["wine"]["consecutive_failures"] == 3
    await first.close()
    second = await aiohttp_client(history_app(path, {"schedule": "1h"}))
    health = await get_json(second, "/api/health")
    assert health["drift_backoff"]["wine"] == paused["wine"]
    assert any("'wine' failed 3 times in a row" in w for w in health["warnings"])
    (monitor,) = (await get_json(second, "/api/drift/monitors"))["monitors"]
    assert monitor["scheduler"]["backoff_until"] == paused["wine"]["until"]


async def test_entries_beyond_the_limits_are_pruned_when_the_history_opens(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    first = await aiohttp_client(history_app(path))
    await emit(first, Event("deploy", "old", "ok", ended_at=T0 - timedelta(days=3)))
    for minute in range(4):
        await emit(first, drift_run(minute))
    await first.close()
    second = await aiohttp_client(history_app(path, keep_days=2, keep_events=3))
    events = (await get_json(second, "/api/events"))["events"]
    assert [e["kind"] for e in events] == ["drift_run"] * 3


async def test_a_report_needs_the_run_to_have_it_and_minio_to_serve_it(
    client: TestClient[Any, Any],
) -> None:
    await emit(client, drift_run(1, "drift", bucket="datasets", reports={"html": "r/1.html"}))
    (run,) = (await get_json(client, "/api/drift/runs"))["runs"]
    assert run["reports"] == {"html": "s3://datasets/r/1.html"}
    missing = await get_json(client, f"/api/drift/runs/{run['id']}/reports/pdf", 404)
    assert missing["details"]["reports"] == ["html"]
    unreachable = await get_json(client, f"/api/drift/runs/{run['id']}/reports/html", 503)
    assert "minio" in unreachable["message"].lower()

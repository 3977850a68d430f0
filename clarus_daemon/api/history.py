"""What the daemon did: events, drift runs and monitors; the scheduler behind them."""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiohttp_apigami import docs, querystring_schema, response_schema

from clarus_daemon import keys
from clarus_daemon.api.history_schemas import (
    DriftRunPageSchema,
    DriftRunSchema,
    DriftRunsQuerySchema,
    EventPageSchema,
    EventsQuerySchema,
    MonitorListSchema,
    RunNowQuerySchema,
    RunNowSchema,
)
from clarus_daemon.api.schemas import ErrorSchema
from clarus_daemon.errors import InvalidRequest, NotFound, UpstreamUnavailable
from clarus_daemon.history.codec import from_json, to_json
from clarus_daemon.history.sink import HistorySink, prune_periodically
from clarus_daemon.history.store import MEMORY, HistoryStore, HistoryUnavailable
from clarus_daemon.history.views import drift_run_view, event_view
from clarus_daemon.scheduler.overview import backoff_report, monitor_overviews
from clarus_daemon.scheduler.runner import TRIGGER_MANUAL, DriftRunner
from clarus_daemon.scheduler.service import DriftScheduler

log = logging.getLogger("clarus_daemon.history")

QUERY = "query"
# enough failures in a row to reach any sensible backoff cap
RECOVERED_OUTCOMES = 20
_BAD_QUERY = {400: {"description": "A query parameter is invalid", "schema": ErrorSchema}}


@docs(tags=["history"], summary="Events: every operation the daemon ended", responses=_BAD_QUERY)
@querystring_schema(EventsQuerySchema(), put_into=QUERY)
@response_schema(EventPageSchema(), 200)
async def list_events(request: web.Request) -> web.Response:
    page = await request.app[keys.HISTORY].events(**request[QUERY])
    return web.json_response(
        {"events": [event_view(e) for e in page.rows], "next_cursor": page.next_cursor}
    )


@docs(tags=["drift"], summary="Drift runs, newest first", responses=_BAD_QUERY)
@querystring_schema(DriftRunsQuerySchema(), put_into=QUERY)
@response_schema(DriftRunPageSchema(), 200)
async def list_drift_runs(request: web.Request) -> web.Response:
    page = await request.app[keys.HISTORY].drift_runs(**request[QUERY])
    return web.json_response(
        {"runs": [drift_run_view(r) for r in page.rows], "next_cursor": page.next_cursor}
    )


def _run_id(request: web.Request) -> int:
    text = request.match_info["run_id"]
    if not text.isdigit():
        raise InvalidRequest(f"run_id: {text!r} is not a run number", details={"field": "run_id"})
    return int(text)


@docs(
    tags=["drift"],
    summary="One drift run: per-column results and where its reports are",
    responses={
        400: {"description": "run_id is not a number", "schema": ErrorSchema},
        404: {"description": "No such run (or pruned)", "schema": ErrorSchema},
    },
)
@response_schema(DriftRunSchema(), 200)
async def get_drift_run(request: web.Request) -> web.Response:
    run_id = _run_id(request)
    record = await request.app[keys.HISTORY].drift_run(run_id)
    if record is None:
        raise NotFound(f"No drift run {run_id} in the history", details={"run_id": run_id})
    return web.json_response(drift_run_view(record))


@docs(tags=["drift"], summary="Drift monitors: configuration, last run, next scheduled run")
@response_schema(MonitorListSchema(), 200)
async def list_monitors(request: web.Request) -> web.Response:
    app = request.app
    latest = await app[keys.HISTORY].latest_drift_runs()
    monitors = app[keys.SETTINGS].drift.monitors
    return web.json_response({"monitors": monitor_overviews(monitors, app[keys.SCHEDULER], latest)})


def drift_runner(app: web.Application) -> DriftRunner | None:
    return None


@docs(
    tags=["drift"],
    summary="Run a monitor's drift check now (trigger: manual)",
    responses={
        404: {"description": "No such monitor", "schema": ErrorSchema},
        409: {"description": "The monitor is being checked already", "schema": ErrorSchema},
        502: {"description": "A dependency answered with an error", "schema": ErrorSchema},
        503: {"description": "A dependency is unreachable", "schema": ErrorSchema},
    },
)
@querystring_schema(RunNowQuerySchema(), put_into=QUERY)
@response_schema(RunNowSchema(), 200)
async def run_monitor_now(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in request.app[keys.SETTINGS].drift.monitors:
        raise NotFound(f"No drift monitor named {name!r}", details={"monitor": name})
    runner = drift_runner(request.app)
    if runner is None:
        raise UpstreamUnavailable("drift", "The drift pipeline is not available.")
    result = await runner.run(name, trigger=TRIGGER_MANUAL, wait=request[QUERY]["wait"])
    return web.json_response(
        {"monitor": name, "trigger": TRIGGER_MANUAL, "result": from_json(to_json(result))}
    )


def history_health(app: web.Application) -> tuple[dict[str, Any], list[str]]:
    """Monitors whose scheduled runs are paused after failures, and what to fix."""
    paused = backoff_report(app[keys.SCHEDULER])
    warnings = [
        f"drift monitor {name!r} failed {state['consecutive_failures']} times in a row; "
        f"scheduled runs pause until {state['until']}"
        for name, state in paused.items()
    ]
    store = app.get(keys.HISTORY)
    if store is not None and store.problem:
        warnings.append(f"history kept in memory only, lost on restart: {store.problem}")
    return paused, warnings


async def _open_store(app: web.Application) -> HistoryStore:
    # An edge daemon without its history still deploys and checks drift; it says so
    # in /api/health rather than refusing to start.
    path = app[keys.SETTINGS].history.path
    try:
        return await HistoryStore.open(path)
    except HistoryUnavailable as err:
        log.error("history cannot be kept in history.path %s (%s); keeping it in memory", path, err)
        store = await HistoryStore.open(MEMORY)
        store.problem = f"history.path {err}"
        return store


async def _history_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS].history
    store = await _open_store(app)
    app[keys.HISTORY] = store
    app[keys.EVENTS].add_sink(HistorySink(store))
    pruning = asyncio.create_task(prune_periodically(store, settings), name="history-pruning")
    log.info("history kept in %s", store.location)
    try:
        yield
    finally:
        pruning.cancel()
        await asyncio.gather(pruning, return_exceptions=True)
        await store.close()


async def _start_scheduler(app: web.Application) -> None:
    # on_startup runs after every cleanup context, so the drift pipeline exists by now.
    scheduler, store = app[keys.SCHEDULER], app[keys.HISTORY]
    for monitor in scheduler.states:
        # a failing monitor stays paused across a restart
        for outcome, ended_at in await store.recent_outcomes(monitor, RECOVERED_OUTCOMES):
            scheduler.remember(monitor, outcome, ended_at)
    runner = drift_runner(app)
    if runner is not None:
        scheduler.start(runner)


async def _stop_scheduler(app: web.Application) -> None:
    # on_shutdown runs before the cleanup contexts close what the runs use.
    await app[keys.SCHEDULER].shutdown()


def setup(app: web.Application) -> None:
    scheduler = DriftScheduler(app[keys.SETTINGS])
    app[keys.SCHEDULER] = scheduler
    app[keys.EVENTS].add_sink(scheduler)
    app.cleanup_ctx.append(_history_ctx)
    app.on_startup.append(_start_scheduler)
    app.on_shutdown.append(_stop_scheduler)
    app.router.add_get("/api/events", list_events, allow_head=False)
    app.router.add_get("/api/drift/runs", list_drift_runs, allow_head=False)
    app.router.add_get("/api/drift/runs/{run_id}", get_drift_run, allow_head=False)
    app.router.add_get("/api/drift/monitors", list_monitors, allow_head=False)
    app.router.add_post("/api/drift/monitors/{name}/run", run_monitor_now)

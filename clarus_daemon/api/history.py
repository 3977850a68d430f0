"""What the daemon did: events, drift runs and their reports, monitors; the scheduler."""

import asyncio
import logging
import posixpath
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiohttp_apigami import docs, querystring_schema, response_schema

from clarus_daemon import keys
from clarus_daemon.api.drift_schemas import DriftAnswerSchema
from clarus_daemon.api.history_schemas import (
    DriftRunPageSchema,
    DriftRunSchema,
    DriftRunsQuerySchema,
    EventPageSchema,
    EventsQuerySchema,
    MonitorListSchema,
    RunNowQuerySchema,
)
from clarus_daemon.api.schemas import ErrorSchema
from clarus_daemon.digits import ascii_number
from clarus_daemon.drift.storage import DatasetStore
from clarus_daemon.errors import InvalidRequest, NotFound, UpstreamUnavailable
from clarus_daemon.history.records import DriftRunRecord
from clarus_daemon.history.sink import HistorySink, prune_periodically
from clarus_daemon.history.store import MEMORY, HistoryStore, HistoryUnavailable
from clarus_daemon.history.views import drift_run_view, event_view
from clarus_daemon.scheduler.audited import AuditedRunner
from clarus_daemon.scheduler.overview import backoff_report, monitor_overviews
from clarus_daemon.scheduler.runner import TRIGGER_MANUAL
from clarus_daemon.scheduler.service import DriftScheduler

log = logging.getLogger("clarus_daemon.history")

QUERY = "query"
# enough failures in a row to reach any sensible backoff cap
RECOVERED_OUTCOMES = 20
REPORT_TYPES = {".html": "text/html", ".json": "application/json"}
# Reports are Evidently's pages with their own scripts: let them run, but in an
# opaque origin that cannot reach the API on the daemon's.
REPORT_CSP = "sandbox allow-scripts allow-popups"
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


async def _drift_run(request: web.Request) -> DriftRunRecord:
    text = request.match_info["id"]
    run_id = ascii_number(text)
    if run_id is None:
        raise InvalidRequest(f"id: {text!r} is not a drift run number", details={"field": "id"})
    record = await request.app[keys.HISTORY].drift_run(run_id)
    if record is None:
        raise NotFound(f"No drift run {text} in the history", details={"id": run_id})
    return record


_RUN_ERRORS = {
    400: {"description": "id is not a number", "schema": ErrorSchema},
    404: {"description": "No such run (or pruned)", "schema": ErrorSchema},
}


@docs(
    tags=["drift"],
    summary="One drift run: per-column results and where its reports are",
    responses=_RUN_ERRORS,
)
@response_schema(DriftRunSchema(), 200)
async def get_drift_run(request: web.Request) -> web.Response:
    return web.json_response(drift_run_view(await _drift_run(request)))


def _bucket_and_key(location: str) -> tuple[str, str]:
    bucket, _, key = location.removeprefix("s3://").partition("/")
    return bucket, key


@docs(
    tags=["drift"],
    summary="A drift run's report (html) or summary (json), read from MinIO",
    responses={
        200: {
            "description": "The report as the run saved it",
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        },
        **_RUN_ERRORS,
        404: {"description": "No such run or report, or gone from MinIO", "schema": ErrorSchema},
        503: {"description": "MinIO unreachable or not configured", "schema": ErrorSchema},
    },
)
async def get_drift_report(request: web.Request) -> web.StreamResponse:
    record, kind = await _drift_run(request), request.match_info["kind"]
    location = record.reports.get(kind)
    if location is None:
        raise NotFound(
            f"Drift run {record.id} has no {kind!r} report",
            details={"id": record.id, "reports": sorted(record.reports)},
        )
    minio = request.app.get(keys.MINIO)
    if minio is None:
        raise UpstreamUnavailable("minio", "MinIO is not configured: set minio.endpoint")
    bucket, key = _bucket_and_key(location)
    content_type = REPORT_TYPES.get(posixpath.splitext(key)[1], "application/octet-stream")
    headers = {"Content-Security-Policy": REPORT_CSP, "X-Content-Type-Options": "nosniff"}
    # a report of a wide dataset runs to many megabytes: passed on chunk by chunk
    async with DatasetStore(minio).open_stream(bucket, key) as (size, chunks):
        response = web.StreamResponse(headers={**headers, "Content-Type": content_type})
        if size is not None:
            response.content_length = size
        await response.prepare(request)
        async for chunk in chunks:
            await response.write(chunk)
        await response.write_eof()
    return response


@docs(tags=["drift"], summary="Drift monitors: configuration, last run, next scheduled run")
@response_schema(MonitorListSchema(), 200)
async def list_monitors(request: web.Request) -> web.Response:
    app = request.app
    latest = await app[keys.HISTORY].latest_drift_runs()
    overviews = monitor_overviews(
        app[keys.SETTINGS].drift.monitors, app[keys.SCHEDULER], latest, app[keys.DRIFT].busy
    )
    return web.json_response({"monitors": overviews})


@docs(
    tags=["drift"],
    summary="Run a monitor's drift check now (trigger: manual)",
    description="Answers like GET /api/detect_data_drift?monitor=<name>.",
    responses={
        404: {"description": "No such monitor, bucket or object", "schema": ErrorSchema},
        409: {"description": "The monitor is being checked (see wait)", "schema": ErrorSchema},
        422: {"description": "Unreadable CSV, different columns", "schema": ErrorSchema},
        502: {"description": "A step after the drift decision failed", "schema": ErrorSchema},
        503: {"description": "MinIO unreachable or not configured", "schema": ErrorSchema},
    },
)
@querystring_schema(RunNowQuerySchema(), put_into=QUERY)
@response_schema(DriftAnswerSchema(), 200)
async def run_monitor_now(request: web.Request) -> web.Response:
    drift = request.app[keys.DRIFT]
    name = drift.monitor_name(request.match_info["name"])
    query = request[QUERY]
    summary = await drift.run(
        name, trigger=TRIGGER_MANUAL, wait=query["wait"], report=query["report"]
    )
    return web.json_response(summary.answer())


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
    # on_startup runs after every cleanup context, so the drift service exists by now.
    scheduler, store = app[keys.SCHEDULER], app[keys.HISTORY]
    for monitor in scheduler.states:
        # a failing monitor stays paused across a restart
        for outcome, ended_at in await store.recent_outcomes(monitor, RECOVERED_OUTCOMES):
            scheduler.remember(monitor, outcome, ended_at)
    scheduler.start(AuditedRunner(app[keys.DRIFT], store.audit))


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
    app.router.add_get("/api/drift/runs/{id}", get_drift_run, allow_head=False)
    app.router.add_get("/api/drift/runs/{id}/reports/{kind}", get_drift_report, allow_head=False)
    app.router.add_get("/api/drift/monitors", list_monitors, allow_head=False)
    app.router.add_post("/api/drift/monitors/{name}/run", run_monitor_now)

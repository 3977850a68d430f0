"""GET /api/detect_data_drift: the old drift detector's call, one monitor per check."""

from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp_apigami import docs, querystring_schema, response_schema

from clarus_daemon import keys
from clarus_daemon.api.drift_schemas import DriftAnswerSchema, DriftQuerySchema
from clarus_daemon.api.schemas import ErrorSchema
from clarus_daemon.drift.service import TRIGGER_MANUAL
from clarus_daemon.drift.setup import open_drift_service

QUERY = "query"


@docs(
    tags=["data_drift"],
    summary="Check a monitor's new data for drift; on drift save the report, replace the "
    "reference, update the data-space asset and trigger retraining",
    description="Compares the monitor's new CSV with its reference CSV in MinIO with "
    "Evidently's DataDriftPreset. On drift, in this order: the HTML report and a JSON "
    "summary go under the report path; the reference is copied to the archive path, then "
    "replaced by the new data (server-side copies); the data-space asset is updated; the "
    "Airflow DAG is triggered. A failed step answers 502 naming it and what was done; "
    "the next check finishes that run without repeating done steps.",
    responses={
        400: {"description": "Several monitors and none named", "schema": ErrorSchema},
        404: {"description": "No such monitor, bucket or object", "schema": ErrorSchema},
        409: {"description": "The monitor is being checked (see wait)", "schema": ErrorSchema},
        422: {"description": "Unreadable CSV, different columns", "schema": ErrorSchema},
        502: {"description": "A step after the drift decision failed", "schema": ErrorSchema},
        503: {"description": "MinIO unreachable, or nothing configured", "schema": ErrorSchema},
        507: {"description": "No room for the datasets in TMPDIR", "schema": ErrorSchema},
    },
)
@querystring_schema(DriftQuerySchema(), put_into=QUERY)
@response_schema(DriftAnswerSchema(), 200)
async def detect_data_drift(request: web.Request) -> web.Response:
    service = request.app[keys.DRIFT]
    query = request[QUERY]
    name = service.monitor_name(query.get("monitor"))
    summary = await service.run(
        name, trigger=TRIGGER_MANUAL, wait=query["wait"], report=query["report"]
    )
    return web.json_response(summary.answer())


async def _drift_ctx(app: web.Application) -> AsyncIterator[None]:
    # a pool put under DRIFT_WORKERS before start-up is used, not owned (tests share one)
    async with open_drift_service(
        app[keys.SETTINGS],
        app[keys.HTTP_SESSION],
        app.get(keys.MINIO),
        app[keys.EVENTS],
        pool=app.get(keys.DRIFT_WORKERS),
    ) as service:
        app[keys.DRIFT] = service
        yield


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(_drift_ctx)
    app.router.add_get("/api/detect_data_drift", detect_data_drift, allow_head=False)

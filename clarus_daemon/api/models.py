"""PUT /api/mlflow/model: an experiment's production model into the models volume."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiohttp_apigami import docs, request_schema, response_schema

from clarus_daemon import keys
from clarus_daemon.api.model_schemas import ModelFetchRequestSchema, ModelFetchSchema
from clarus_daemon.api.schemas import ErrorSchema
from clarus_daemon.models.resolve import Selection
from clarus_daemon.models.setup import artifact_s3, build_fetcher


def _selection(data: dict[str, Any]) -> Selection:
    stage, version = data.get("stage"), data.get("version")
    return Selection(
        stage=stage.capitalize() if stage else None,
        alias=data.get("alias"),
        version=str(version) if version is not None else None,
    )


@docs(
    tags=["model_updater"],
    summary="Update the models volume with an experiment's model from MLflow",
    description="Resolves the registered model named like the experiment (or as mapped in "
    "mlflow.model_names) in the configured stage or alias, or as the body asks; downloads "
    "its files into <models_root>/<exp_id>/<version>/ unless already there, and switches "
    "<exp_id>/current to it atomically.",
    responses={
        400: {"description": "Invalid body", "schema": ErrorSchema},
        404: {"description": "Unknown model, stage, alias or version", "schema": ErrorSchema},
        502: {"description": "MLflow or S3 answered with an error", "schema": ErrorSchema},
        503: {"description": "MLflow or S3 unreachable or not configured", "schema": ErrorSchema},
        507: {"description": "Not enough space on the models volume", "schema": ErrorSchema},
    },
)
@request_schema(ModelFetchRequestSchema(), required=True)
@response_schema(ModelFetchSchema(), 200)
async def put_model(request: web.Request) -> web.Response:
    data = request["data"]
    result = await request.app[keys.MODELS].fetch(data["exp_id"], _selection(data))
    return web.json_response(result.summary())


async def _models_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    async with artifact_s3(settings) as s3:
        fetcher = build_fetcher(
            settings, app[keys.HTTP_SESSION], app[keys.EVENTS], s3=s3, docker=app[keys.DOCKER]
        )
        app[keys.MODELS] = fetcher
        tidying = asyncio.create_task(fetcher.tidy_volume(), name="models-volume-tidy")
        try:
            yield
        finally:
            tidying.cancel()
            await asyncio.gather(tidying, return_exceptions=True)


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(_models_ctx)
    app.router.add_put("/api/mlflow/model", put_model)

"""Inference services: deploy (registry or data space), remove, list."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiohttp_apigami import docs, request_schema, response_schema
from marshmallow import ValidationError

from clarus_daemon import keys
from clarus_daemon.api.inference_schemas import (
    DataSpaceDeploySchema,
    DeployAnswerSchema,
    DeploySchema,
    RemoveAnswerSchema,
    RemoveSchema,
    ServiceSchema,
)
from clarus_daemon.api.schemas import ErrorSchema
from clarus_daemon.api.validation import raise_invalid_request
from clarus_daemon.errors import InvalidRequest
from clarus_daemon.inference.image_ref import ImageRef
from clarus_daemon.inference.setup import build_data_space, build_service, recover_at_start
from clarus_daemon.inference.spec import DeployRequest, ResourceLimits
from clarus_daemon.inference.views import DeployResult

TAG = "inference_executor"
DEPLOY_ERRORS = {
    400: {
        "description": "Invalid body, or an image without a single exposed port",
        "schema": ErrorSchema,
    },
    403: {"description": "Image or host port outside the configured policy", "schema": ErrorSchema},
    404: {"description": "Image (or data-space asset) not found", "schema": ErrorSchema},
    409: {"description": "Host port or container name held by another", "schema": ErrorSchema},
    502: {
        "description": "Registry refused or unreachable, or the container did not become "
        "ready (then rolled back; details carry its log tail)",
        "schema": ErrorSchema,
    },
    503: {"description": "Docker Engine (or IDS agent) unreachable", "schema": ErrorSchema},
}


def _registry_request(data: dict[str, Any]) -> DeployRequest:
    if "inference_id" in data:
        return DeployRequest(
            inference_id=data["inference_id"],
            image=ImageRef.parse(data["docker_img_uri"]),
            container_port=data["inference_rest_api_port"],
            host_port=data["inference_rest_api_forward_port"],
            env=data.get("env") or {},
            limits=ResourceLimits.of(data.get("limits")),
        )
    return DeployRequest(
        inference_id=data["exp_id"],
        image=ImageRef.parse(data["docker_img"]),
        container_port=None,
        host_port=None,
        body="experiment",
        exp_id=data["exp_id"],
        limits=ResourceLimits.of(data.get("limits")),
    )


def _deployed(result: DeployResult) -> web.Response:
    return web.json_response(result.as_dict(), status=201 if result.created else 200)


@docs(
    tags=[TAG],
    summary="Pull an inference image and run it as a service",
    description="Body {inference_id, docker_img_uri, inference_rest_api_port, "
    "inference_rest_api_forward_port, env} or the first agent's {exp_id, docker_img} (the "
    "image's single exposed port, published on the same host port). 201 once the container "
    "runs and its port answers; 200 when the same image and settings already run. A new "
    "image or setting replaces the service, rolling back if the new container fails.",
    responses=DEPLOY_ERRORS,
)
@request_schema(DeploySchema())
@response_schema(DeployAnswerSchema(), 201)
async def post_deploy(request: web.Request) -> web.Response:
    result = await request.app[keys.INFERENCE].deploy(_registry_request(request["data"]))
    return _deployed(result)


@docs(
    tags=[TAG],
    summary="Deploy the inference image the data space describes for an experiment",
    description="Asks the IDS agent for the experiment's inference asset (docker_img_uri, "
    "inference_rest_api_port), then deploys it like POST /api/inference/deploy.",
    responses=DEPLOY_ERRORS,
)
@request_schema(DataSpaceDeploySchema())
@response_schema(DeployAnswerSchema(), 201)
async def post_data_space_deploy(request: web.Request) -> web.Response:
    data = request["data"]
    deploy_request = await request.app[keys.DATA_SPACE].request_for(
        data["exp_id"],
        data["inference_id"],
        data["inference_rest_api_forward_port"],
        data.get("env") or {},
        ResourceLimits.of(data.get("limits")),
    )
    return _deployed(await request.app[keys.INFERENCE].deploy(deploy_request))


async def _remove_target(request: web.Request) -> str:
    params: dict[str, Any] = dict(request.query)
    if not params and request.body_exists:
        try:
            body = await request.json()
        except ValueError as err:
            raise InvalidRequest("The request body is not valid JSON.") from err
        params = body if isinstance(body, dict) else {}
    try:
        data = RemoveSchema().load(params)
    except ValidationError as err:
        raise_invalid_request(err)
    target = data.get("inference_id") or data.get("exp_id")
    if not target:
        raise InvalidRequest(
            "Give inference_id (or exp_id) in the query or the JSON body.",
            details={"fields": {"inference_id": ["Missing data for required field."]}},
        )
    return str(target)


@docs(
    tags=[TAG],
    summary="Stop and remove an inference service",
    description="?inference_id=X (or ?exp_id=X, or either in a JSON body). Only containers "
    "carrying the daemon's labels, or adopted, are touched. 201 as the old agents answered, "
    "also for an id that is not deployed (nothing removed).",
    parameters=[
        {"in": "query", "name": "inference_id", "schema": {"type": "string"}},
        {"in": "query", "name": "exp_id", "schema": {"type": "string"}},
    ],
    responses={
        400: {"description": "No or invalid id", "schema": ErrorSchema},
        404: {
            "description": "A container of that name exists but is neither managed nor adopted",
            "schema": ErrorSchema,
        },
        503: {"description": "Docker Engine unreachable", "schema": ErrorSchema},
    },
)
@response_schema(RemoveAnswerSchema(), 201)
async def delete_deploy(request: web.Request) -> web.Response:
    inference_id = await _remove_target(request)
    removed = await request.app[keys.INFERENCE].remove(inference_id)
    # an id never deployed answers 201 too: the old agents answered "already deleted"
    done = "removed" if removed else "was not deployed; nothing to remove"
    answer = {
        "message": f"Inference service {inference_id} {done}",
        "inference_id": inference_id,
        "removed": removed,
    }
    return web.json_response(answer, status=201)


@docs(
    tags=[TAG],
    summary="Inference services managed by this daemon",
    responses={503: {"description": "Docker Engine unreachable", "schema": ErrorSchema}},
)
@response_schema(ServiceSchema(many=True), 200)
async def get_all(request: web.Request) -> web.Response:
    views = await request.app[keys.INFERENCE].list_services()
    return web.json_response([view.as_dict() for view in views])


async def _inference_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    session = app[keys.HTTP_SESSION]
    service = build_service(settings, app[keys.DOCKER], session, app[keys.EVENTS])
    app[keys.INFERENCE] = service
    app[keys.DATA_SPACE] = build_data_space(settings, session)
    retry_s = settings.inference.recovery_retry_s
    recorded = app[keys.HISTORY].deployed_containers
    recovery = asyncio.create_task(
        recover_at_start(service, recorded, retry_s, settings), name="inference-recovery"
    )
    try:
        yield
    finally:
        recovery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await recovery


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(_inference_ctx)
    app.router.add_post("/api/inference/deploy", post_deploy)
    app.router.add_delete("/api/inference/deploy", delete_deploy)
    app.router.add_get("/api/inference/all", get_all, allow_head=False)
    app.router.add_post("/api/v3/inference/deploy", post_data_space_deploy)
    app.router.add_delete("/api/v3/inference/deploy", delete_deploy)

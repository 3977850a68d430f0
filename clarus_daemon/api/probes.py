"""Liveness and readiness, for systemd, compose and Kubernetes probes.

Liveness only proves the event loop answers: restarting the daemon because MinIO is
down would help nobody. Readiness is whether it can do its job, which needs the
Docker Engine; other dependencies down make /api/health degraded, not unready.
"""

from aiohttp import web
from aiohttp_apigami import docs

from clarus_daemon import keys
from clarus_daemon.api.schemas import ErrorSchema
from clarus_daemon.errors import UpstreamUnavailable
from clarus_daemon.health import engine_health


@docs(
    tags=["ping"],
    summary="Liveness: the daemon's event loop answers",
    responses={200: {"description": "Alive"}},
)
async def live(_request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


@docs(
    tags=["ping"],
    summary="Readiness: the Docker Engine answers, so deploys can run",
    responses={
        200: {"description": "Ready"},
        503: {"description": "Not ready", "schema": ErrorSchema},
    },
)
async def ready(request: web.Request) -> web.Response:
    app = request.app
    engine = await engine_health(app[keys.DOCKER], app[keys.SETTINGS].server.health_timeout_s)
    if engine.status != "up":
        raise UpstreamUnavailable(
            "docker", f"Not ready: the Docker Engine is down ({engine.detail})"
        )
    return web.json_response({"status": "ready", "docker": engine.detail})


def setup(app: web.Application) -> None:
    app.router.add_get("/api/health/live", live, allow_head=True)
    app.router.add_get("/api/health/ready", ready, allow_head=True)

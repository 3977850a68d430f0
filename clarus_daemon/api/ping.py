"""Liveness (the old contract) and dependency health."""

from aiohttp import web
from aiohttp_apigami import docs, response_schema
from marshmallow import Schema, fields

from clarus_daemon import __version__, keys
from clarus_daemon.api.history import history_health
from clarus_daemon.health import HealthProbes
from clarus_daemon.listeners import exposed_without_auth
from clarus_daemon.redaction import mask_everywhere


class DependencySchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["up", "down", "not-configured"]})
    detail = fields.String(allow_none=True)


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ok while the daemon works"})
    version = fields.String(required=True)
    dependencies = fields.Dict(
        keys=fields.String(), values=fields.Nested(DependencySchema), required=True
    )
    warnings = fields.List(
        fields.String(), required=True, metadata={"description": "What an operator should fix."}
    )
    drift_backoff = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={"description": "Monitors whose scheduled runs pause after repeated failures."},
    )


def health_warnings(app: web.Application) -> list[str]:
    exposed = exposed_without_auth(app[keys.SETTINGS])
    if not exposed:
        return []
    where = ", ".join(map(str, exposed))
    return [f"API reachable on {where} without authentication (--insecure-no-auth)"]


@docs(
    tags=["ping"],
    summary="Health check signal",
    responses={
        200: {
            "description": "clarus-daemon up & running",
            "content": {"application/json": {"schema": {"type": "string", "example": "OK"}}},
        }
    },
)
async def ping(_request: web.Request) -> web.Response:
    return web.json_response("OK")


@docs(tags=["ping"], summary="Daemon and dependency health")
@response_schema(HealthSchema(), 200)
async def health(request: web.Request) -> web.Response:
    app = request.app
    probes = HealthProbes(
        settings=app[keys.SETTINGS],
        session=app[keys.HTTP_SESSION],
        docker=app[keys.DOCKER],
        minio=app.get(keys.MINIO),
    )
    results = await probes.check_all()
    paused, history_warnings = history_health(app)
    return web.json_response(
        {
            "status": "ok",
            "version": __version__,
            "dependencies": mask_everywhere(
                {r.name: {"status": r.status, "detail": r.detail} for r in results}
            ),
            "warnings": mask_everywhere([*health_warnings(app), *history_warnings]),
            "drift_backoff": paused,
        }
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/api/ping", ping, allow_head=False)
    app.router.add_get("/api/health", health, allow_head=False)

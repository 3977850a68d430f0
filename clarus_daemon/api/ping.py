"""Liveness (the old contract) and dependency health."""

import asyncio

from aiohttp import web
from aiohttp_apigami import docs, response_schema
from marshmallow import Schema, fields

from clarus_daemon import __version__, keys
from clarus_daemon.api.history import history_health
from clarus_daemon.errors import DaemonError
from clarus_daemon.health import HealthProbes, overall
from clarus_daemon.inference.adopt import Unmanaged, adopt_hint
from clarus_daemon.listeners import exposed_without_auth
from clarus_daemon.redaction import mask_everywhere


class DependencySchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["up", "down", "not-configured"]})
    detail = fields.String(allow_none=True)


class HealthSchema(Schema):
    status = fields.String(
        required=True,
        metadata={
            "enum": ["ok", "degraded"],
            "description": "ok only while every configured dependency is up",
        },
    )
    reasons = fields.List(
        fields.String(), required=True, metadata={"description": "Why the status is degraded."}
    )
    version = fields.String(required=True)
    dependencies = fields.Dict(
        keys=fields.String(), values=fields.Nested(DependencySchema), required=True
    )
    warnings = fields.List(
        fields.String(), required=True, metadata={"description": "What an operator should fix."}
    )
    unmanaged_containers = fields.List(
        fields.Dict(),
        metadata={
            "description": "Containers that look like old inference services (name, host "
            "ports) and that nobody adopted: left alone until `clarus-daemon adopt`."
        },
    )
    trusted_networks = fields.List(
        fields.Dict(),
        metadata={"description": "Client networks answered without a token (cidr, scope)."},
    )
    drift_backoff = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={"description": "Monitors whose scheduled runs pause after repeated failures."},
    )


def health_warnings(app: web.Application) -> list[str]:
    settings = app[keys.SETTINGS]
    found = [
        f"requests from {n.cidr} need no token (auth.trusted_networks, scope {n.scope})"
        for n in settings.auth.trusted_networks
    ]
    exposed = exposed_without_auth(settings)
    if exposed:
        where = ", ".join(map(str, exposed))
        found.append(f"API reachable on {where} without authentication (--insecure-no-auth)")
    compat = app[keys.COMPAT_LISTENER]
    if compat.address is not None and compat.problem is not None:
        found.append(
            f"the old drift detector's address {compat.address} does not answer: "
            f"{compat.problem}; its clients must call the daemon's own port"
        )
    return found


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


async def _unmanaged(app: web.Application) -> list[Unmanaged]:
    settings = app[keys.SETTINGS]
    try:
        async with asyncio.timeout(settings.server.health_timeout_s):
            return await app[keys.INFERENCE].unmanaged()
    except (DaemonError, TimeoutError):
        return []  # the docker dependency's own entry says why


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
    results, unmanaged = await asyncio.gather(probes.check_all(), _unmanaged(app))
    paused, history_warnings = history_health(app)
    hint = adopt_hint(unmanaged)
    status, reasons = overall(results)
    return web.json_response(
        {
            "status": status,
            "reasons": mask_everywhere(reasons),
            "version": __version__,
            "dependencies": mask_everywhere(
                {r.name: {"status": r.status, "detail": r.detail} for r in results}
            ),
            "warnings": mask_everywhere(
                [*health_warnings(app), *history_warnings, *([hint] if hint else [])]
            ),
            "unmanaged_containers": [u.as_dict() for u in unmanaged],
            "drift_backoff": paused,
            "trusted_networks": [
                {"cidr": str(n.cidr), "scope": n.scope}
                for n in app[keys.SETTINGS].auth.trusted_networks
            ],
        }
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/api/ping", ping, allow_head=False)
    app.router.add_get("/api/health", health, allow_head=False)

"""The application factory: middlewares, cleanup contexts and routes; no I/O here."""

from aiohttp import web
from aiohttp_apigami import validation_middleware

from clarus_daemon import clients, keys
from clarus_daemon.api import (
    audit,
    docs,
    drift,
    history,
    inference,
    metrics,
    models,
    ping,
    probes,
    status_page,
)
from clarus_daemon.api.audit import audit_middleware
from clarus_daemon.api.auth import auth_middleware
from clarus_daemon.api.browser_guard import browser_guard_middleware
from clarus_daemon.api.json_body import json_body_middleware
from clarus_daemon.api.limits import (
    PENDING_CAPS,
    body_deadline_middleware,
    pending_caps,
    pending_caps_middleware,
)
from clarus_daemon.api.metrics import metrics_middleware
from clarus_daemon.api.middlewares import error_middleware, request_context_middleware
from clarus_daemon.auth import TokenVerifier
from clarus_daemon.config import Settings
from clarus_daemon.events import Events
from clarus_daemon.listeners import CompatListener, compat_listener


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        middlewares=[
            json_body_middleware,
            request_context_middleware,
            metrics_middleware,
            audit_middleware,
            error_middleware,
            browser_guard_middleware,
            auth_middleware,
            body_deadline_middleware,
            pending_caps_middleware,
            validation_middleware,
        ],
        client_max_size=settings.server.max_body_bytes,
    )
    app[keys.SETTINGS] = settings
    app[PENDING_CAPS] = pending_caps(settings.limits)
    app[keys.EVENTS] = Events()
    app[keys.TOKEN_VERIFIER] = TokenVerifier(settings.auth)
    app[keys.COMPAT_LISTENER] = CompatListener(compat_listener(settings))
    app.cleanup_ctx.extend([clients.http_session_ctx, clients.docker_ctx, clients.minio_ctx])
    # history first: its store opens before, and closes after, the services that feed it
    for routes in (ping, probes, history, audit, metrics, models, inference, drift, status_page):
        routes.setup(app)
    docs.setup(app)
    return app

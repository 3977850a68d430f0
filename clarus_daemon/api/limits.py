"""Limits a slow or oversized request runs into before it reaches a handler."""

import asyncio
import json

from aiohttp import web
from aiohttp.typedefs import Handler

from clarus_daemon import keys
from clarus_daemon.admission import Admission
from clarus_daemon.api.responses import error_response
from clarus_daemon.config.limits import LimitsSettings

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# the body once it arrived within the deadline; absent when it did not (or never came)
RECEIVED_BODY = web.RequestKey("received_body", bytes)


@web.middleware
async def body_deadline_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Read the whole body within a deadline, so a client trickling bytes holds nothing long.

    The body is cached by aiohttp, so handlers and validation read it again for free.
    """
    if request.method in BODY_METHODS and request.can_read_body:
        deadline = request.app[keys.SETTINGS].server.body_read_timeout_s
        try:
            async with asyncio.timeout(deadline):
                request[RECEIVED_BODY] = await request.read()
        except TimeoutError:
            return error_response(
                408, "request_timeout", f"The request body did not arrive within {deadline:g} s."
            )
        if request.content_type == "application/json" and (problem := await _json_hazard(request)):
            return error_response(400, "invalid_request", f"The request body {problem}.")
    return await handler(request)


async def _json_hazard(request: web.Request) -> str | None:
    """What makes the body unreadable to Python's json beyond plain syntax errors.

    Syntax errors are left to validation, which names them; these two would escape
    it as a RecursionError and a ValueError about integer digits.
    """
    try:
        json.loads(await request.read())
    except RecursionError:
        return "nests JSON too deep"
    except json.JSONDecodeError:
        return None
    except ValueError:  # int() refuses more than 4300 digits
        return "holds a number too long to read"
    return None


def pending_caps(limits: LimitsSettings) -> dict[tuple[str, str], Admission]:
    """(method, route) -> the cap on such calls running or waiting at once."""

    def cap(what: str, key: str) -> Admission:
        return Admission(what, getattr(limits, key), f"limits.{key}")

    deploys = cap("deploy or remove calls", "max_pending_deploys")
    checks = cap("drift checks", "max_pending_drift_checks")
    fetches = cap("model fetches", "max_pending_model_fetches")
    return {
        ("POST", "/api/inference/deploy"): deploys,
        ("POST", "/api/v3/inference/deploy"): deploys,
        ("DELETE", "/api/inference/deploy"): deploys,
        ("DELETE", "/api/v3/inference/deploy"): deploys,
        ("POST", "/api/drift/monitors/{name}/run"): checks,
        ("GET", "/api/detect_data_drift"): checks,
        ("PUT", "/api/mlflow/model"): fetches,
    }


PENDING_CAPS = web.AppKey("pending_caps", dict[tuple[str, str], Admission])


@web.middleware
async def pending_caps_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Past a cap, a 429 at once: waiting calls would otherwise pile up without bound."""
    resource = request.match_info.route.resource
    route = resource.canonical if resource is not None else ""
    admission = request.app[PENDING_CAPS].get((request.method, route))
    if admission is None:
        return await handler(request)
    with admission.enter():
        return await handler(request)

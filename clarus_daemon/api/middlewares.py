"""Request id + access log, and the one place errors become JSON."""

import json
import logging
import re
import time
import uuid

from aiohttp import web
from aiohttp.typedefs import Handler

from clarus_daemon.api.responses import HTTP_CODES, daemon_error_response, error_response
from clarus_daemon.errors import DaemonError
from clarus_daemon.observability import request_id_var

log = logging.getLogger("clarus_daemon.access")
error_log = logging.getLogger("clarus_daemon.api")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _request_id(request: web.Request) -> str:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    return offered if _VALID_REQUEST_ID.match(offered) else uuid.uuid4().hex


@web.middleware
async def request_context_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = _request_id(request)
    token = request_id_var.set(request_id)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers[REQUEST_ID_HEADER] = request_id
        return response
    finally:
        log.info(
            "%s %s -> %s in %.1f ms",
            request.method,
            request.path,
            status,
            (time.perf_counter() - started) * 1000,
        )
        request_id_var.reset(token)


def _http_exception_message(exc: web.HTTPException, request: web.Request) -> str:
    if exc.status == 404:
        return f"No such path: {request.path}"
    if exc.status == 405:
        return f"{request.method} is not allowed on {request.path}"
    try:
        parsed = json.loads(exc.text or "")
    except ValueError:
        return exc.text or exc.reason
    # webargs reports an unparsable body as {"json": ["Invalid JSON body."]}
    if isinstance(parsed, dict) and "json" in parsed:
        return "The request body is not valid JSON."
    return exc.reason


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except DaemonError as err:
        if err.status >= 500:
            error_log.warning("%s: %s", err.code, err.message)
        return daemon_error_response(err)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = HTTP_CODES.get(exc.status, "http_error")
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return error_response(
            exc.status, code, _http_exception_message(exc, request), headers=headers
        )
    except Exception:
        error_log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(
            500,
            "internal_error",
            f"The daemon hit an unexpected error; its log has the details "
            f"(request id {request_id_var.get()}).",
        )

"""Building JSON answers, errors included."""

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from clarus_daemon.errors import DaemonError
from clarus_daemon.redaction import mask_credentials, mask_everywhere

# status -> short code, for errors aiohttp raises itself (routing, body size...)
HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
}


def error_response(
    status: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    # an upstream's message or a container's log tail may quote a URL with credentials
    body: dict[str, Any] = {"error": code, "message": mask_credentials(message)}
    if details:
        body["details"] = mask_everywhere(dict(details))
    return web.json_response(body, status=status, headers=headers)


def daemon_error_response(err: DaemonError) -> web.Response:
    headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
    return error_response(err.status, err.code, err.message, err.details, headers)

"""The daemon's own exception tree.

Services and gateways raise these; one middleware turns them into the JSON error
body. Each carries the HTTP status it maps to so that layers below the API never
import aiohttp.web.
"""

from collections.abc import Mapping
from typing import Any, ClassVar


class DaemonError(Exception):
    """Base of every error the API reports to a client."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})


class InvalidRequest(DaemonError):
    status = 400
    code = "invalid_request"


class Unauthorized(DaemonError):
    status = 401
    code = "unauthorized"


class Forbidden(DaemonError):
    status = 403
    code = "forbidden"


class NotFound(DaemonError):
    status = 404
    code = "not_found"


class Conflict(DaemonError):
    status = 409
    code = "conflict"


class UpstreamError(DaemonError):
    """A dependency answered, but with an error or with something unusable."""

    status = 502
    code = "upstream_error"

    def __init__(
        self, service: str, message: str, *, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, details={"service": service, **(details or {})})
        self.service = service


class UpstreamUnavailable(UpstreamError):
    """A dependency could not be reached at all."""

    status = 503
    code = "upstream_unavailable"

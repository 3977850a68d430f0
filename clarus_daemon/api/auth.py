"""Bearer-token authentication middleware, active once any token is configured.

A client in one of auth.trusted_networks that sends no Authorization header is
let in with that network's scope: the opt-in for old clients that cannot send a token.
"""

import logging
import re

from aiohttp import web
from aiohttp.typedefs import Handler

from clarus_daemon import keys
from clarus_daemon.auth import READ_METHODS
from clarus_daemon.errors import Forbidden, Unauthorized

log = logging.getLogger("clarus_daemon.auth")

# The old drift API is a GET that replaces datasets and starts retraining.
WRITING_GETS = frozenset({"/api/detect_data_drift"})
PRINCIPAL = web.RequestKey("principal", str)
# visible ASCII: bytes beyond it (aiohttp hands them on as surrogates) are no token
_TOKEN_CHARS = re.compile(r"^[\x21-\x7e]+$")


def _bearer(request: web.Request) -> str:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthorized("This call needs a bearer token: Authorization: Bearer <token>.")
    if not _TOKEN_CHARS.match(credentials.strip()):
        raise Unauthorized("The bearer token is not valid.")
    return credentials.strip()


def writes(request: web.Request) -> bool:
    return request.method not in READ_METHODS or request.path in WRITING_GETS


def _principal(request: web.Request) -> tuple[str, str]:
    """(who, scope) of the caller; 401 when it is nobody known."""
    verifier = request.app[keys.TOKEN_VERIFIER]
    if "Authorization" not in request.headers:
        network = verifier.trusted(request.remote)
        if network is not None:
            return f"trusted network {network.cidr}", network.scope
    token = verifier.identify(_bearer(request))
    if token is None:
        log.warning("rejected an unknown token on %s %s", request.method, request.path)
        raise Unauthorized("The bearer token is not valid.")
    return f"token {token.name!r}", token.scope


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    verifier = request.app[keys.TOKEN_VERIFIER]
    if not verifier.enabled or verifier.is_public(request.method, request.path):
        return await handler(request)
    who, scope = _principal(request)
    # who asked, even when refused: the audit log names the read token that tried to write
    request[PRINCIPAL] = who
    if scope == "read" and writes(request):
        raise Forbidden(f"{who.capitalize()} may only read; {request.path} needs write scope.")
    return await handler(request)

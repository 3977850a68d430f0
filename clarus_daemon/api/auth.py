"""Bearer-token authentication middleware, active once any token is configured."""

import logging
import re

from aiohttp import web
from aiohttp.typedefs import Handler

from clarus_daemon import keys
from clarus_daemon.errors import Forbidden, Unauthorized

log = logging.getLogger("clarus_daemon.auth")

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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


def _writes(request: web.Request) -> bool:
    return request.method not in READ_METHODS or request.path in WRITING_GETS


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    verifier = request.app[keys.TOKEN_VERIFIER]
    if not verifier.enabled or verifier.is_public(request.path):
        return await handler(request)
    token = verifier.identify(_bearer(request))
    if token is None:
        log.warning("rejected an unknown token on %s %s", request.method, request.path)
        raise Unauthorized("The bearer token is not valid.")
    # who asked, even when refused: the audit log names the read token that tried to write
    request[PRINCIPAL] = token.name
    if token.scope == "read" and _writes(request):
        raise Forbidden(f"Token {token.name!r} may only read; {request.path} needs write scope.")
    return await handler(request)

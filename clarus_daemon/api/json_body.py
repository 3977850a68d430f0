"""Bodies the old clients sent as JSON under another content type are read as JSON.

`curl -d '{...}'` labels its body application/x-www-form-urlencoded, and scripts
often send text/plain; the old agents read the JSON anyway. No endpoint takes a
form, so such a body is relabelled before anything reads it: a real form then gets
the clear "not valid JSON" answer instead of a misleading "missing field".
"""

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from clarus_daemon.api.limits import BODY_METHODS

READ_AS_JSON = frozenset(
    {"application/x-www-form-urlencoded", "text/plain", "application/octet-stream"}
)
"""application/octet-stream is what aiohttp reports when no content type was sent."""


@web.middleware
async def json_body_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if (
        request.method in BODY_METHODS
        and request.can_read_body
        and request.content_type in READ_AS_JSON
    ):
        headers = request.headers.copy()
        headers[hdrs.CONTENT_TYPE] = "application/json"
        request = request.clone(headers=headers)
    return await handler(request)

"""Limits a slow or oversized request runs into before it reaches a handler."""

import asyncio

from aiohttp import web
from aiohttp.typedefs import Handler

from clarus_daemon import keys
from clarus_daemon.api.responses import error_response

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@web.middleware
async def body_deadline_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Read the whole body within a deadline, so a client trickling bytes holds nothing long.

    The body is cached by aiohttp, so handlers and validation read it again for free.
    """
    if request.method in BODY_METHODS and request.can_read_body:
        deadline = request.app[keys.SETTINGS].server.body_read_timeout_s
        try:
            async with asyncio.timeout(deadline):
                await request.read()
        except TimeoutError:
            return error_response(
                408, "request_timeout", f"The request body did not arrive within {deadline:g} s."
            )
    return await handler(request)

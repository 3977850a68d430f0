"""Limits a slow or oversized request runs into before it reaches a handler."""

import asyncio
import json

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

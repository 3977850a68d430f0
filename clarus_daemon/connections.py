"""A cap on open client connections: a flood of idle sockets cannot starve the API.

aiohttp closes a connection that has not delivered a complete request head within
its keep-alive timeout (idle sockets and slowloris clients alike); the cap bounds
how many such connections, and so file descriptors, exist meanwhile. Past the cap
the connection idle the longest (no request being handled) is closed to make room,
so a new client, such as a health probe, still gets through.
"""

import asyncio
import logging
import resource

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger("clarus_daemon.connections")

# descriptors kept for everything but client connections: listeners, the engine
# socket, S3/MLflow sessions, SQLite, worker pipes
RESERVED_FDS = 256


def fit_descriptor_limit(max_connections: int) -> int:
    """Raise the soft open-file limit to hold `max_connections`; the cap that fits.

    Services start with a soft limit of 1024 by default, below a useful cap; the
    hard limit (systemd: 524288) is what the operator allows, so it is respected.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + RESERVED_FDS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft != resource.RLIM_INFINITY and soft < wanted:
        fitted = max(soft - RESERVED_FDS, 16)
        log.warning(
            "open-file limit %d holds %d connections, not server.max_connections = %d",
            soft, fitted, max_connections,
        )  # fmt: skip
        return fitted
    return max_connections


def _busy(handler: RequestHandler) -> bool:
    return handler._request_in_progress


def _make_room(server: web.Server, newcomer: RequestHandler) -> None:
    """Close the oldest connection with no request in progress (else the newcomer)."""
    for handler in server.connections:  # oldest first: dict insertion order
        if handler is not newcomer and not _busy(handler) and not handler._force_close:
            handler.force_close()
            return
    newcomer.force_close()


def cap_connections(server: web.Server, limit: int) -> None:
    """Keep at most `limit` connections open on `server` (every listener of a runner)."""
    track = server.connection_made
    evicted = 0

    def connection_made(handler: RequestHandler, transport: asyncio.Transport) -> None:
        nonlocal evicted
        track(handler, transport)
        if len(server.connections) > limit:
            _make_room(server, handler)
            evicted += 1
            if evicted in (1, 100) or evicted % 10_000 == 0:
                log.warning("open connections at the cap of %d: closed %d idle", limit, evicted)

    server.connection_made = connection_made  # type: ignore[method-assign]

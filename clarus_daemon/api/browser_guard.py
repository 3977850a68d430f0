"""Refusing what a web page in an operator's browser could make the browser send.

DNS rebinding: a page on a name the attacker controls, re-pointed at this machine,
reaches the API with that name in Host; only names of this machine are accepted (IP
addresses always: rebinding needs a name). Cross-site requests: a state-changing
request that a browser marks as coming from another site (Origin, Sec-Fetch-Site,
Referer) is refused. Clients that are not browsers send none of these headers, so the
old `GET /api/detect_data_drift` keeps working for them.
"""

import ipaddress
import socket
from functools import cache
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler

from clarus_daemon import keys
from clarus_daemon.api.auth import writes
from clarus_daemon.errors import Forbidden

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
SAME_SITE_FETCH = frozenset({"same-origin", "none"})


class HostNotAllowed(Forbidden):
    code = "host_not_allowed"


class CrossOriginRefused(Forbidden):
    code = "cross_origin_refused"


@cache
def machine_names() -> frozenset[str]:
    names = {socket.gethostname(), socket.getfqdn()}
    return frozenset(name.lower() for name in names if name)


def _host_name(host: str) -> str:
    """The Host header without port and brackets, lowercase."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    name, _, port = host.rpartition(":")
    return name if name and port.isdigit() else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(host: str, configured: list[str]) -> bool:
    name = _host_name(host).rstrip(".")
    return (
        _is_ip(name)
        or name in LOOPBACK_NAMES
        or name.endswith(".localhost")
        or name in machine_names()
        or name in {c.lower().rstrip(".") for c in configured}
    )


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _cross_origin(request: web.Request, allowed: list[str]) -> str | None:
    """Which header shows a request from another site, if one does."""
    own = {f"{request.scheme}://{request.host}".lower(), *(o.lower() for o in allowed)}
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() not in own:
        return f"Origin {origin}"
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site.lower() not in SAME_SITE_FETCH:
        return f"Sec-Fetch-Site {site}"
    referer = request.headers.get("Referer")
    if origin is None and referer and _origin_of(referer) not in own:
        return f"Referer {_origin_of(referer)}"
    return None


@web.middleware
async def browser_guard_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    server = request.app[keys.SETTINGS].server
    host = request.headers.get("Host", "")
    if host and not host_allowed(host, server.allowed_hosts):
        raise HostNotAllowed(
            f"Host {_host_name(host)!r} is not a name of this daemon; add it to "
            "server.allowed_hosts if clients call it that",
            details={"host": _host_name(host)},
        )
    if writes(request):
        found = _cross_origin(request, server.allowed_origins)
        if found is not None:
            raise CrossOriginRefused(
                f"A state-changing request from another site was refused ({found}); add the "
                "origin to server.allowed_origins if that page may change state here",
                details={"evidence": found},
            )
    return await handler(request)

"""Calling a JSON REST service and translating transport failures into daemon errors."""

from collections.abc import Mapping
from typing import Any

from aiohttp import ClientError, ClientResponse, ClientSession

from clarus_daemon.errors import NotFound, UpstreamError, UpstreamUnavailable


async def _body(response: ClientResponse) -> Any:
    if response.content_type == "application/json":
        return await response.json()
    return await response.text()


async def request_json(
    session: ClientSession,
    service: str,
    method: str,
    url: str,
    *,
    not_found: str | None = None,
    **kwargs: Any,
) -> Any:
    """One call; 404 -> NotFound(not_found) when given, other >= 400 -> UpstreamError."""
    try:
        async with session.request(method, url, **kwargs) as response:
            body = await _body(response)
    except (ClientError, TimeoutError, OSError) as err:
        raise UpstreamUnavailable(
            service, f"{service} is unreachable at {url}: {err or type(err).__name__}"
        ) from err
    if response.status == 404 and not_found is not None:
        raise NotFound(not_found, details={"service": service})
    if response.status >= 400:
        raise UpstreamError(
            service,
            f"{service} answered HTTP {response.status} to {method} {url}",
            details={"status": response.status, "body": _truncate(body)},
        )
    return body


def _truncate(body: Any, limit: int = 500) -> Any:
    return body[:limit] if isinstance(body, str) else body


def query(params: Mapping[str, str | int | None]) -> dict[str, str]:
    return {k: str(v) for k, v in params.items() if v is not None}

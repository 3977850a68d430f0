"""GET /metrics on the real application: format, and requests counted by route."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from clarus_daemon.app import create_app
from tests.infra.app_settings import make_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def client(aiohttp_client: ClientFactory, tmp_path: Path) -> TestClient[Any, Any]:
    settings = make_settings(
        history={"path": str(tmp_path / "history.sqlite3")},
        docker={"url": "unix:///nonexistent/docker.sock"},
    )
    return await aiohttp_client(create_app(settings))


async def scrape(client: TestClient[Any, Any]) -> dict[tuple[str, frozenset[Any]], float]:
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(await response.text())
        for sample in family.samples
    }


def requests(method: str, route: str, status: str) -> tuple[str, frozenset[Any]]:
    labels = {"method": method, "route": route, "status": status}
    return ("clarus_http_requests_total", frozenset(labels.items()))


async def test_requests_are_counted_by_route_pattern_and_status(
    client: TestClient[Any, Any],
) -> None:
    for path in ("/api/ping", "/api/ping", "/api/drift/runs/7", "/api/drift/runs/x", "/nope/1"):
        await client.get(path)
    await client.post("/api/ping")
    samples = await scrape(client)
    assert samples[requests("GET", "/api/ping", "200")] == 2
    assert samples[requests("GET", "/api/drift/runs/{id}", "404")] == 1
    assert samples[requests("GET", "/api/drift/runs/{id}", "400")] == 1
    assert samples[requests("GET", "unmatched", "404")] == 1
    assert samples[requests("POST", "unmatched", "405")] == 1
    latency = ("clarus_http_request_duration_seconds_count", requests("GET", "/api/ping", "200")[1])
    assert samples[latency] == 2


async def test_metrics_need_no_token_when_the_api_does(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    settings = make_settings(
        history={"path": str(tmp_path / "history.sqlite3")},
        auth={"tokens": [{"name": "ops", "token": "s3cret-token"}]},
    )
    client = await aiohttp_client(create_app(settings))
    assert (await client.get("/api/events")).status == 401
    samples = await scrape(client)
    assert samples[requests("GET", "/api/events", "401")] == 1

"""A trickling client is cut off; an oversized body is refused; neither reaches a handler."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from clarus_daemon.app import create_app
from tests.infra.app_settings import make_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def client(aiohttp_client: ClientFactory) -> TestClient[Any, Any]:
    settings = make_settings(server={"body_read_timeout_s": 0.5, "max_body_bytes": 2048})
    return await aiohttp_client(create_app(settings))


async def test_slow_body_gets_408(client: TestClient[Any, Any]) -> None:
    assert client.server.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(
        b"POST /api/inference/deploy HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert head.startswith(b"HTTP/1.1 408")
    writer.close()


async def test_oversized_body_gets_413(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/inference/deploy", data=json.dumps({"x": "y" * 4096}))
    assert response.status == 413
    assert (await response.json())["error"] == "payload_too_large"

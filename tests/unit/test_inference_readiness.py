"""Readiness probes: a port that holds a connection is open, one that hangs up is not."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from clarus_daemon.config.inference import InferenceSettings
from clarus_daemon.inference.readiness import accepts_connections, probe_host, probe_target
from tests.infra.ports import free_port

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _waits(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(1)  # a server waiting for its request
    writer.close()


async def _hangs_up(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()  # docker-proxy when nothing listens behind it


async def _greets(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"220 ready\r\n")
    await writer.drain()
    writer.close()


@pytest.mark.parametrize(
    ("handler", "open_"), [(_waits, True), (_hangs_up, False), (_greets, True)]
)
async def test_accepts_connections(handler: Handler, open_: bool) -> None:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        assert await accepts_connections("127.0.0.1", port) is open_


async def test_nothing_listening() -> None:
    assert await accepts_connections("127.0.0.1", free_port()) is False


def test_where_the_daemon_probes() -> None:
    host = probe_target(InferenceSettings(), "uc.next-1", "0.0.0.0", 7070, 8080)
    network = probe_target(
        InferenceSettings(readiness_probe="network", health_path="/h"),
        "uc.next-1",
        "0.0.0.0",
        7070,
        8080,
    )

    assert (host.host, host.port, host.health_path) == ("127.0.0.1", 7070, None)
    assert (network.host, network.port, network.health_path) == ("uc.next-1", 8080, "/h")
    assert (probe_host("::"), probe_host("10.0.0.2")) == ("::1", "10.0.0.2")

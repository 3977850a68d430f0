"""Docker Engine down: inference calls answer 503 while the rest of the API works; then recover."""

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.infra.docker_engine import DockerEngine
from tests.infra.images import InferenceApi, InferenceLab
from tests.infra.ports import free_port

pytestmark = pytest.mark.integration

DEPLOY = "/api/inference/deploy"


class SocketRelay:
    """The engine's socket relayed through one the test can take away and bring back."""

    def __init__(self, target: Path, path: Path) -> None:
        self.target, self.path = target, path
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_unix_server(self._relay, str(self.path))

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()
        self.path.unlink(missing_ok=True)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        engine_reader, engine_writer = await asyncio.open_unix_connection(str(self.target))
        self._writers |= {writer, engine_writer}
        await asyncio.gather(self._pipe(reader, engine_writer), self._pipe(engine_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()


async def assert_engine_down(client: TestClient[Any, Any], lab: InferenceLab) -> None:
    listing = await client.get("/api/inference/all")
    deploy = await client.post(DEPLOY, json=lab.body(lab.new_id(), free_port()))
    ping = await client.get("/api/ping")

    assert listing.status == 503 and deploy.status == 503
    answer = await deploy.json()
    assert answer["error"] == "upstream_unavailable" and answer["details"]["service"] == "docker"
    assert ping.status == 200


async def assert_engine_back(client: TestClient[Any, Any], lab: InferenceLab) -> None:
    assert (await client.get("/api/inference/all")).status == 200
    deployed = await client.post(DEPLOY, json=lab.body(lab.new_id(), free_port()))
    assert deployed.status == 201, await deployed.json()


async def test_engine_socket_gone_then_back(
    inference_api: InferenceApi, inference_lab: InferenceLab, tmp_path: Path
) -> None:
    relay = SocketRelay(inference_lab.engine.socket_path, tmp_path / "relay.sock")
    await relay.start()
    client = await inference_api(sections={"docker": {"url": f"unix://{relay.path}"}})
    assert (await client.get("/api/inference/all")).status == 200
    await relay.stop()
    try:
        await assert_engine_down(client, inference_lab)
    finally:
        await relay.start()
    await assert_engine_back(client, inference_lab)
    await relay.stop()


async def test_engine_stopped_then_started(
    inference_api: InferenceApi, inference_lab: InferenceLab, docker_engine: DockerEngine
) -> None:
    if docker_engine.root is None:
        pytest.skip("the engine is borrowed (CLARUS_TEST_DOCKER_HOST): it is not stopped by tests")
    client = await inference_api()
    docker_engine.stop()
    try:
        await assert_engine_down(client, inference_lab)
    finally:
        docker_engine.start()
    await assert_engine_back(client, inference_lab)

"""When is a new container ready: it runs, and its published port answers on this host.

A connection alone proves little behind docker-proxy, which accepts and then hangs
up when nothing listens inside; so a port counts as open only when the peer keeps
the connection for a moment or speaks first.
"""

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout

from clarus_daemon.config.inference import InferenceSettings
from clarus_daemon.inference.engine import ContainerEngine

POLL_S = 0.05
CONNECT_TIMEOUT_S = 1.0
HANGUP_GRACE_S = 0.05
HTTP_TIMEOUT_S = 2.0


class NotReady(Exception):
    """Why a container is not ready; the caller rolls back and reports it."""


def probe_host(host_ip: str) -> str:
    """Where this host reaches a port published on host_ip."""
    if host_ip in ("", "0.0.0.0"):
        return "127.0.0.1"
    return "::1" if host_ip == "::" else host_ip


async def accepts_connections(host: str, port: int, grace_s: float = HANGUP_GRACE_S) -> bool:
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            reader, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError):
        return False
    try:
        async with asyncio.timeout(grace_s):
            return bool(await reader.read(1))  # spoke first: alive; b"": hung up
    except TimeoutError:
        return True  # holds the connection, waiting for a request
    except OSError:
        return False
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


@dataclass(frozen=True)
class ProbeTarget:
    host: str
    port: int
    health_path: str | None

    @property
    def where(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def probe_target(
    settings: InferenceSettings, name: str, host_ip: str, host_port: int, container_port: int
) -> ProbeTarget:
    """Where this daemon reaches the container `name`, as inference.readiness_probe says."""
    if settings.readiness_probe == "network":
        return ProbeTarget(name, container_port, settings.health_path)
    host = settings.probe_host or probe_host(host_ip)
    return ProbeTarget(host, host_port, settings.health_path)


def _exited(info: dict[str, Any]) -> str | None:
    state = info.get("State") or {}
    code, error = state.get("ExitCode"), state.get("Error") or ""
    if state.get("OOMKilled"):
        return "the container ran out of memory"
    if state.get("Status") in ("exited", "dead"):
        return f"the container exited with code {code}{f': {error}' if error else ''}"
    return None


class Readiness:
    def __init__(self, engine: ContainerEngine, session: ClientSession) -> None:
        self._engine = engine
        self._session = session

    async def wait(self, container_id: str, target: ProbeTarget, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            exited = _exited(await self._engine.inspect(container_id))
            if exited:
                raise NotReady(exited)
            last = await self._probe(target)
            if not last:
                return
            if time.monotonic() >= deadline:
                raise NotReady(f"{last} within {timeout_s:g} s")
            await asyncio.sleep(POLL_S)

    async def _probe(self, target: ProbeTarget) -> str:
        """Empty when ready, else what is missing."""
        if not await accepts_connections(target.host, target.port):
            return f"{target.where} did not accept connections"
        if target.health_path is None:
            return ""
        url = f"http://{target.where}/{target.health_path.lstrip('/')}"
        try:
            timeout = ClientTimeout(total=HTTP_TIMEOUT_S)
            async with self._session.get(url, timeout=timeout, allow_redirects=False) as answer:
                status = answer.status
        except (ClientError, TimeoutError) as err:
            return f"{url} gave no HTTP answer ({err.__class__.__name__})"
        return "" if status < 500 else f"{url} answered HTTP {status}"

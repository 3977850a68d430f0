"""Dependency probes behind /api/health: each one up, down or not configured."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import aiodocker
from aiohttp import ClientError, ClientSession, ClientTimeout
from miniopy_async.api import Minio

from clarus_daemon.config import Settings

Status = Literal["up", "down", "not-configured"]


@dataclass(frozen=True)
class DependencyHealth:
    name: str
    status: Status
    detail: str | None = None


async def _probe_http(session: ClientSession, url: str, timeout_s: float) -> str:
    # Any HTTP answer, even 401, proves the service is reachable and alive.
    async with session.get(url, timeout=ClientTimeout(total=timeout_s)) as response:
        if response.status >= 500:
            raise ConnectionError(f"HTTP {response.status}")
        return f"HTTP {response.status}"


async def _guard(name: str, probe: Awaitable[str] | None, timeout_s: float) -> DependencyHealth:
    if probe is None:
        return DependencyHealth(name, "not-configured")
    try:
        detail = await asyncio.wait_for(probe, timeout_s)
    except TimeoutError:
        return DependencyHealth(name, "down", f"no answer within {timeout_s:g} s")
    except (OSError, ClientError, aiodocker.DockerError, ValueError) as err:
        return DependencyHealth(name, "down", str(err) or type(err).__name__)
    return DependencyHealth(name, "up", detail)


async def _docker_version(docker: aiodocker.Docker) -> str:
    version = await docker.version()
    return f"Docker Engine {version.get('Version', '?')}"


async def _minio_buckets(minio: Minio) -> str:
    buckets = await minio.list_buckets()
    return f"{len(buckets)} buckets"


def _url(base: object | None, path: str) -> str | None:
    return None if base is None else str(base).rstrip("/") + path


@dataclass(frozen=True)
class HealthProbes:
    settings: Settings
    session: ClientSession
    docker: aiodocker.Docker
    minio: Minio | None

    def _http(self, base: object | None, path: str) -> Callable[[], Awaitable[str]] | None:
        url = _url(base, path)
        if url is None:
            return None
        timeout = self.settings.server.health_timeout_s
        return lambda: _probe_http(self.session, url, timeout)

    async def check_all(self) -> list[DependencyHealth]:
        timeout = self.settings.server.health_timeout_s
        http_probes = {
            "mlflow": self._http(self.settings.mlflow.tracking_uri, "/health"),
            "airflow": self._http(self.settings.airflow.url, "/"),
            "ids": self._http(self.settings.ids.url, "/api/ping"),
        }
        probes: dict[str, Awaitable[str] | None] = {
            "docker": _docker_version(self.docker),
            "minio": _minio_buckets(self.minio) if self.minio else None,
            **{name: make() if make else None for name, make in http_probes.items()},
        }
        return list(await asyncio.gather(*(_guard(name, p, timeout) for name, p in probes.items())))


def overall(results: list[DependencyHealth]) -> tuple[str, list[str]]:
    """ok only while every configured dependency is up; else degraded, with the reasons."""
    reasons = [f"{r.name} is down: {r.detail}" for r in results if r.status == "down"]
    return ("degraded" if reasons else "ok"), reasons


async def engine_health(docker: aiodocker.Docker, timeout_s: float) -> DependencyHealth:
    """The one dependency without which the daemon cannot do its job: the Docker Engine."""
    return await _guard("docker", _docker_version(docker), timeout_s)

"""Pulling an image with the registry's credentials, a bounded number at a time."""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiodocker

from clarus_daemon.admission import Admission
from clarus_daemon.config.inference import DockerSettings
from clarus_daemon.inference.engine_errors import engine_errors
from clarus_daemon.inference.errors import RegistryUnreachable
from clarus_daemon.inference.image_ref import DOCKER_HUB, ImageRef
from clarus_daemon.inference.pull_errors import pull_error
from clarus_daemon.inference.pull_progress import PullProgress
from clarus_daemon.inference.pull_space import check_pull_space
from clarus_daemon.inference.registry_auth import RegistryAuth, registry_auth

log = logging.getLogger("clarus_daemon.inference")


@dataclass(frozen=True)
class PulledImage:
    ref: ImageRef
    id: str
    """The engine's image id (digest of its config): what a container runs."""
    digest: str | None
    """The registry's manifest digest, when the image came from a registry."""
    exposed_ports: tuple[int, ...]
    """TCP ports the image declares (EXPOSE)."""


def _exposed_tcp_ports(info: dict[str, Any]) -> tuple[int, ...]:
    exposed = (info.get("Config") or {}).get("ExposedPorts") or {}
    ports = (key.partition("/") for key in exposed)
    return tuple(sorted(int(port) for port, _, proto in ports if proto in ("tcp", "")))


def _repo_digest(info: dict[str, Any], ref: ImageRef) -> str | None:
    digests: list[str] = info.get("RepoDigests") or []
    for entry in digests:
        name, _, digest = entry.partition("@")
        if ImageRef.parse(name).repository == ref.repository:
            return digest
    return None


class ImagePuller:
    def __init__(
        self,
        docker: aiodocker.Docker,
        settings: DockerSettings,
        *,
        max_concurrent: int,
        max_pending: int,
        min_free_mb: int,
        timeout_s: float,
    ) -> None:
        self._min_free_mb = min_free_mb
        self._docker = docker
        self._settings = settings
        self._slots = asyncio.Semaphore(max_concurrent)
        self._pending = Admission("image pulls", max_pending, "limits.max_pending_pulls")
        self._timeout_s = timeout_s

    async def pull(self, ref: ImageRef) -> PulledImage:
        auth = await registry_auth(self._settings, ref.registry)
        with self._pending.enter():
            async with self._slots:
                with engine_errors(f"checking room to pull {ref.raw}"):
                    await check_pull_space(self._docker, self._settings.url, self._min_free_mb)
                await self._pull(ref, auth)
        with engine_errors(f"inspecting {ref.raw}"):
            info = await self._docker.images.inspect(ref.raw)
        return PulledImage(ref, info["Id"], _repo_digest(info, ref), _exposed_tcp_ports(info))

    async def _pull(self, ref: ImageRef, auth: RegistryAuth | None) -> None:
        progress = PullProgress(ref.raw)
        # aiodocker sends credentials only for names that carry their registry
        name = ref.raw if auth is None or ref.registry != DOCKER_HUB else ref.canonical
        credentials = dict(auth.credentials) if auth else None
        log.info("pulling %s (%s)", ref.raw, auth.source if auth else "anonymous")
        try:
            async with asyncio.timeout(self._timeout_s):
                stream = self._docker.images.pull(name, auth=credentials, stream=True)
                async for event in stream:
                    progress.update(event)
        except aiodocker.DockerError as err:
            raise pull_error(err, ref, auth) from err
        except TimeoutError as err:
            raise RegistryUnreachable(
                f"Pulling {ref.raw} did not finish within {self._timeout_s:g} s "
                f"({progress.summary()})",
                details={"image": ref.raw, "registry": ref.registry},
            ) from err
        log.info("pulled %s: %s, digest %s", ref.raw, progress.summary(), progress.digest)

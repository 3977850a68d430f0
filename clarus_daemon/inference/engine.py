"""The container calls the service makes, on top of aiodocker, with the engine's quirks."""

import asyncio
import json
import logging
from typing import Any

import aiodocker

from clarus_daemon.inference import labels
from clarus_daemon.inference.containers import ContainerSummary, ServiceContainers
from clarus_daemon.inference.engine_errors import (
    CONFLICT_STATUS,
    NOT_FOUND_STATUS,
    NOT_MODIFIED_STATUS,
)
from clarus_daemon.inference.errors import NameInUse
from clarus_daemon.inference.ownership import Ownership
from clarus_daemon.redaction import mask_credentials

log = logging.getLogger("clarus_daemon.inference")


class ContainerEngine:
    def __init__(
        self, docker: aiodocker.Docker, *, stop_timeout_s: int, ownership: Ownership
    ) -> None:
        self._docker = docker
        self._stop_timeout_s = stop_timeout_s
        self.ownership = ownership

    async def _list(self, filters: dict[str, Any] | None = None) -> list[ContainerSummary]:
        query = aiodocker.utils.clean_filters(filters) if filters else None
        items = await self._docker.containers.list(all=True, filters=query)
        adopted = await asyncio.to_thread(self.ownership.adoption_records)
        return [
            ContainerSummary.from_listing(item._container, self.ownership, adopted.get(item.id))
            for item in items
        ]

    async def list_all(self) -> list[ContainerSummary]:
        return await self._list()

    async def list_labelled(self) -> list[ContainerSummary]:
        """Every container labelled clarus.managed, the daemon's or not."""
        return await self._list(labels.managed_filters())

    async def list_managed(self, inference_id: str | None = None) -> list[ContainerSummary]:
        found = await self._list(labels.managed_filters(inference_id))
        adopted = await asyncio.to_thread(self.ownership.adoption_records)
        if adopted:
            # adopted containers carry no label the engine could filter on
            found += await self._list({"id": sorted(adopted)})
        return [
            c
            for c in {c.id: c for c in found}.values()
            if c.managed and inference_id in (None, c.inference_id)
        ]

    async def service_containers(self, inference_id: str) -> ServiceContainers:
        return ServiceContainers.of(inference_id, await self.list_all())

    async def create(self, config: dict[str, Any], name: str) -> str:
        try:
            container = await self._docker.containers.create(config, name=name)
        except aiodocker.DockerError as err:
            if err.status == CONFLICT_STATUS:
                raise NameInUse(f"Container name {name!r} is in use: {err.message}") from err
            raise
        return container.id

    async def start(self, container_id: str) -> None:
        try:
            await self._docker.containers.container(container_id).start()
        except aiodocker.DockerError as err:
            if err.status != NOT_MODIFIED_STATUS:  # already running
                raise

    async def stop(self, container_id: str) -> None:
        try:
            await self._docker.containers.container(container_id).stop(t=self._stop_timeout_s)
        except aiodocker.DockerError as err:
            if err.status not in (NOT_MODIFIED_STATUS, NOT_FOUND_STATUS):
                raise

    async def remove(self, container_id: str) -> None:
        """Stop within the grace period, then delete; gone already is fine."""
        await self.stop(container_id)
        try:
            await self._docker.containers.container(container_id).delete(force=True)
        except aiodocker.DockerError as err:
            if err.status != NOT_FOUND_STATUS:
                raise

    async def set_restart_policy(self, container_id: str, policy: dict[str, str]) -> None:
        # aiodocker has no call for POST /containers/{id}/update
        body = json.dumps({"RestartPolicy": policy})
        await self._docker._query_json(f"containers/{container_id}/update", "POST", data=body)

    async def rename(self, container_id: str, name: str) -> None:
        await self._docker.containers.container(container_id).rename(name)

    async def exists(self, container_id: str) -> bool:
        try:
            await self._docker.containers.get(container_id)
        except aiodocker.DockerError as err:
            if err.status == NOT_FOUND_STATUS:
                return False
            raise
        return True

    async def inspect(self, container_id: str) -> dict[str, Any]:
        container = await self._docker.containers.get(container_id)
        return dict(container._container)

    async def log_tail(self, container_id: str, lines: int) -> list[str]:
        if lines <= 0:
            return []
        container = self._docker.containers.container(container_id)
        try:
            chunks = await container.log(stdout=True, stderr=True, tail=lines)
        except aiodocker.DockerError as err:
            return [f"(logs unavailable: {err.message})"]
        # a container that prints its connection strings must not hand them to API clients
        return [mask_credentials(line) for line in "".join(chunks).splitlines()[-lines:]]

"""The network and models volume every inference container needs, created when missing.

The models volume is, by default, a local volume bound to mlflow.models_root: the
model fetcher writes there, so a container sees each switched model at once. A
named volume keeps containers free of host bind mounts; only the daemon's
configuration, never a request, chooses the directory behind it.
"""

import asyncio
import logging
from pathlib import Path

import aiodocker

from clarus_daemon.config.inference import InferenceSettings
from clarus_daemon.inference import labels
from clarus_daemon.inference.engine_errors import CONFLICT_STATUS, NOT_FOUND_STATUS
from clarus_daemon.models.errors import ModelsVolumeError

log = logging.getLogger("clarus_daemon.inference")


async def ensure_network(docker: aiodocker.Docker, name: str) -> None:
    try:
        await docker.networks.get(name)
        return
    except aiodocker.DockerError as err:
        if err.status != NOT_FOUND_STATUS:
            raise
    config = {
        "Name": name,
        "Driver": "bridge",
        # without it, two creators racing make two networks of one name
        "CheckDuplicate": True,
        "Labels": {labels.MANAGED: "true"},
    }
    try:
        await docker.networks.create(config)
    except aiodocker.DockerError as err:
        if err.status != CONFLICT_STATUS:
            raise
        return
    log.info("created network %s", name)


async def ensure_models_volume(
    docker: aiodocker.Docker, settings: InferenceSettings, models_root: Path
) -> None:
    name = settings.models_volume
    try:
        await docker.volumes.get(name)  # type: ignore[no-untyped-call]
        return
    except aiodocker.DockerError as err:
        if err.status != NOT_FOUND_STATUS:
            raise
    config: dict[str, object] = {"Name": name, "Labels": {labels.MANAGED: "true"}}
    if settings.models_volume_bind:
        try:
            await asyncio.to_thread(models_root.mkdir, parents=True, exist_ok=True)
        except OSError as err:
            raise ModelsVolumeError(
                f"The models volume {name} cannot be bound to {models_root}: {err}"
            ) from err
        config["Driver"] = "local"
        config["DriverOpts"] = {"type": "none", "o": "bind", "device": str(models_root)}
    await docker.volumes.create(config)  # type: ignore[no-untyped-call]
    where = f" bound to {models_root}" if settings.models_volume_bind else ""
    log.info("created volume %s%s", name, where)

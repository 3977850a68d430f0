"""Building the inference service from the settings, and its start-up recovery task."""

import asyncio
import logging

import aiodocker
from aiohttp import ClientSession

from clarus_daemon.config import Settings
from clarus_daemon.errors import DaemonError
from clarus_daemon.events import Events
from clarus_daemon.inference.data_space import DataSpaceImages
from clarus_daemon.inference.image_allowlist import ImageAllowlist
from clarus_daemon.inference.ownership import Ownership
from clarus_daemon.inference.pull import ImagePuller
from clarus_daemon.inference.service import InferenceService, RecordedDeploys
from clarus_daemon.integrations.ids import IdsAgent

log = logging.getLogger("clarus_daemon.inference")


def build_service(
    settings: Settings, docker: aiodocker.Docker, session: ClientSession, events: Events
) -> InferenceService:
    inference = settings.inference
    puller = ImagePuller(
        docker,
        settings.docker,
        max_concurrent=inference.max_concurrent_pulls,
        max_pending=settings.limits.max_pending_pulls,
        min_free_mb=settings.limits.min_free_pull_mb,
        timeout_s=inference.pull_timeout_s,
    )
    return InferenceService(
        docker,
        puller=puller,
        allowlist=ImageAllowlist(settings.docker, inference),
        ownership=Ownership.of_state_dir(settings.state_dir),
        settings=inference,
        models_root=settings.mlflow.models_root,
        session=session,
        events=events,
        max_services=settings.limits.max_services,
    )


def build_data_space(settings: Settings, session: ClientSession) -> DataSpaceImages:
    ids = settings.ids
    agent = IdsAgent(session, str(ids.url)) if ids.url is not None else None
    return DataSpaceImages(agent, ids, settings.inference.data_space_cache_ttl_s)


async def recover_at_start(
    service: InferenceService, recorded: RecordedDeploys, retry_s: float, settings: Settings
) -> None:
    """Adoption and recovery once they can run: an engine down at start-up is retried."""
    listed = settings.inference.adopt
    names = None if "*" in listed else listed
    while True:
        try:
            if listed:
                done = await service.adopt_containers(names)
                log.info("adopted at start-up: %s", [a["inference_id"] for a in done["adopted"]])
            await service.adopt_recorded(recorded)
            await service.reconcile()
            return
        except DaemonError as err:
            log.warning("inference recovery postponed %g s: %s", retry_s, err.message)
        except Exception:
            log.exception("inference recovery failed; retrying in %g s", retry_s)
        await asyncio.sleep(retry_s)

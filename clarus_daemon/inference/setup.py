"""Building the inference service from the settings, and its start-up recovery task."""

import asyncio
import logging

import aiodocker
from aiohttp import ClientSession

from clarus_daemon.config import Settings
from clarus_daemon.errors import DaemonError
from clarus_daemon.events import Events
from clarus_daemon.inference.data_space import DataSpaceImages
from clarus_daemon.inference.pull import ImagePuller
from clarus_daemon.inference.service import InferenceService
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


async def recover_at_start(service: InferenceService, retry_s: float) -> None:
    """Run recovery once it can: an engine down at start-up is retried, not fatal."""
    while True:
        try:
            await service.reconcile()
            return
        except DaemonError as err:
            log.warning("inference recovery postponed %g s: %s", retry_s, err.message)
        except Exception:
            log.exception("inference recovery failed; retrying in %g s", retry_s)
        await asyncio.sleep(retry_s)

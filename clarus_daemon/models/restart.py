"""Restarting an experiment's inference containers so they load the model just switched to.

Only containers the daemon manages (its labels) are touched, never a look-alike name,
and never a replacement candidate still being brought up: the rollout owns that one.
"""

import logging
from dataclasses import dataclass

import aiodocker

from clarus_daemon.inference import labels
from clarus_daemon.inference.ownership import Ownership

log = logging.getLogger("clarus_daemon.models")


@dataclass(frozen=True)
class InferenceRestarter:
    docker: aiodocker.Docker
    ownership: Ownership

    async def restart(self, exp_id: str) -> list[str]:
        return await restart_inference(self.docker, self.ownership, exp_id)


async def restart_inference(
    docker: aiodocker.Docker, ownership: Ownership, exp_id: str
) -> list[str]:
    """Restart the running managed containers of `exp_id`; their names."""
    filters = aiodocker.utils.clean_filters(labels.managed_filters(exp_id))
    restarted = []
    for container in await docker.containers.list(filters=filters):
        found = container["Labels"] or {}
        name = (container["Names"] or ["?"])[0].lstrip("/")
        # the engine filtered already; checked again because a restart is not undone
        owned = ownership.owns(container["Id"], found)
        if not owned or found.get(labels.INFERENCE_ID) != exp_id:
            continue
        if name == found.get(labels.CANDIDATE_NAME):
            continue
        log.info("restarting %s for the new model of %s", name, exp_id)
        await container.restart()
        restarted.append(name)
    return restarted

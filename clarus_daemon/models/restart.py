"""Restarting an experiment's inference containers so they load the model just switched to.

Only containers the daemon manages (its labels) are touched, never a look-alike name,
and never a replacement candidate still being brought up: the rollout owns that one.
"""

import logging

import aiodocker

from clarus_daemon.inference import labels

log = logging.getLogger("clarus_daemon.models")


async def restart_inference(docker: aiodocker.Docker, exp_id: str) -> list[str]:
    """Restart the running managed containers of `exp_id`; their names."""
    filters = aiodocker.utils.clean_filters(labels.managed_filters(exp_id))
    restarted = []
    for container in await docker.containers.list(filters=filters):
        found = container["Labels"] or {}
        name = (container["Names"] or ["?"])[0].lstrip("/")
        # the engine filtered already; checked again because a restart is not undone
        if not labels.is_managed(found) or found.get(labels.INFERENCE_ID) != exp_id:
            continue
        if name == found.get(labels.CANDIDATE_NAME):
            continue
        log.info("restarting %s for the new model of %s", name, exp_id)
        await container.restart()
        restarted.append(name)
    return restarted

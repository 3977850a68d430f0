"""Restarting an experiment's inference containers so they load the model just switched to.

Only containers the daemon manages (its labels) are touched, never a look-alike name.
"""

import logging

import aiodocker

log = logging.getLogger("clarus_daemon.models")

MANAGED_LABEL = "clarus.managed"
INFERENCE_ID_LABEL = "clarus.inference_id"


async def restart_inference(docker: aiodocker.Docker, exp_id: str) -> list[str]:
    """Restart the running managed containers of `exp_id`; their names."""
    filters = {"label": [f"{MANAGED_LABEL}=true", f"{INFERENCE_ID_LABEL}={exp_id}"]}
    containers = await docker.containers.list(filters=aiodocker.utils.clean_filters(filters))
    restarted = []
    for container in containers:
        labels = container["Labels"] or {}
        # the engine filtered already; checked again because a restart is not undone
        if labels.get(MANAGED_LABEL) != "true" or labels.get(INFERENCE_ID_LABEL) != exp_id:
            continue
        name = (container["Names"] or ["?"])[0].lstrip("/")
        log.info("restarting %s for the new model of %s", name, exp_id)
        await container.restart()
        restarted.append(name)
    return restarted

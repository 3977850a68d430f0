"""Finishing or undoing deploys that a crash interrupted, from the labels alone.

A candidate (a container still under its temporary name) means a deploy did not
finish. If the container it replaces is gone, the switch was past its last check:
the candidate is renamed and kept. Otherwise it is removed, and the previous
container is started again when it ran before the deploy began.
"""

import logging
from dataclasses import dataclass

from clarus_daemon.inference import labels
from clarus_daemon.inference.container_spec import SERVICE_RESTART_POLICY
from clarus_daemon.inference.containers import ServiceContainers
from clarus_daemon.inference.engine import ContainerEngine

log = logging.getLogger("clarus_daemon.inference")


@dataclass(frozen=True)
class Recovered:
    inference_id: str
    action: str
    """completed (candidate kept), removed (candidate dropped), restored (previous started)"""
    container: str

    def as_dict(self) -> dict[str, str]:
        return {"action": self.action, "container": self.container}


async def recover_service(engine: ContainerEngine, group: ServiceContainers) -> list[Recovered]:
    done: list[Recovered] = []
    service = group.service
    for candidate in group.orphans:
        replaces = candidate.labels.get(labels.REPLACES)
        gone = bool(replaces) and not await engine.exists(str(replaces))
        if service is None and group.name_holder is None and gone:
            await engine.set_restart_policy(candidate.id, SERVICE_RESTART_POLICY)
            await engine.rename(candidate.id, group.inference_id)
            await engine.start(candidate.id)
            log.warning("completed the interrupted replacement of %s", group.inference_id)
            done.append(Recovered(group.inference_id, "completed", candidate.id))
            service = candidate
            continue
        await engine.remove(candidate.id)
        log.warning("removed %s, left by an unfinished deploy", candidate.name)
        done.append(Recovered(group.inference_id, "removed", candidate.id))
        ran_before = candidate.labels.get(labels.REPLACES_RUNNING) == "true"
        if service is not None and service.id == replaces and ran_before and not service.running:
            await engine.start(service.id)
            log.warning("started %s again: its replacement never finished", service.name)
            done.append(Recovered(group.inference_id, "restored", service.id))
    return done

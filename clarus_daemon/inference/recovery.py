"""Finishing or undoing deploys that a crash interrupted, from labels and names alone.

A candidate (a container still under its temporary name) means a deploy did not
finish. If the container it replaces is gone, the switch was past its last check:
the candidate is renamed and kept. Otherwise it is removed, and the previous
container is started again when it ran before the deploy began.

A previous container under its aside name (see rollout_names) means the switch was
under way. If its candidate already has the service's name, the switch succeeded
and the aside container is removed; if the candidate still has its temporary name,
it passed readiness, so the switch is finished when the service's name is free.
When something else holds the name the candidate is dropped and the aside container
kept. An aside container whose candidate is gone gets the service's name back.
Neither ever removes a container that holds the service's name.
"""

import logging
from dataclasses import dataclass

from clarus_daemon.inference import labels
from clarus_daemon.inference.container_spec import SERVICE_RESTART_POLICY
from clarus_daemon.inference.containers import ContainerSummary, ServiceContainers
from clarus_daemon.inference.engine import ContainerEngine
from clarus_daemon.inference.owner import is_other_live_process

log = logging.getLogger("clarus_daemon.inference")


@dataclass(frozen=True)
class Recovered:
    inference_id: str
    action: str
    """completed (candidate kept), removed (candidate dropped), restored (previous started),
    retired (previous removed after a finished switch), renamed (previous named back)"""
    container: str

    def as_dict(self) -> dict[str, str]:
        return {"action": self.action, "container": self.container}


async def recover_service(engine: ContainerEngine, group: ServiceContainers) -> list[Recovered]:
    done: list[Recovered] = []
    handled: set[str] = set()
    for aside in group.aside:
        done += await _recover_switch(engine, group, aside, handled)
    if any(item.action in ("completed", "renamed") for item in done):
        group = await engine.service_containers(group.inference_id)
    done += await _recover_candidates(engine, group, handled)
    return done


async def _complete(
    engine: ContainerEngine, inference_id: str, candidate: ContainerSummary
) -> Recovered:
    await engine.set_restart_policy(candidate.id, SERVICE_RESTART_POLICY)
    await engine.rename(candidate.id, inference_id)
    await engine.start(candidate.id)
    log.warning("completed the interrupted replacement of %s", inference_id)
    return Recovered(inference_id, "completed", candidate.id)


async def _drop(
    engine: ContainerEngine, candidate: ContainerSummary, previous: ContainerSummary | None
) -> list[Recovered]:
    """Remove a candidate, and start the container it replaces if that one ran before."""
    inference_id = str(candidate.inference_id)
    await engine.remove(candidate.id)
    log.warning("removed %s, left by an unfinished deploy", candidate.name)
    done = [Recovered(inference_id, "removed", candidate.id)]
    ran_before = candidate.labels.get(labels.REPLACES_RUNNING) == "true"
    replaced = candidate.labels.get(labels.REPLACES)
    if previous is not None and previous.id == replaced and ran_before and not previous.running:
        await engine.start(previous.id)
        log.warning("started %s again: its replacement never finished", previous.name)
        done.append(Recovered(inference_id, "restored", previous.id))
    return done


async def _recover_switch(
    engine: ContainerEngine, group: ServiceContainers, aside: ContainerSummary, handled: set[str]
) -> list[Recovered]:
    inference_id = group.inference_id
    partner = next(
        (c for c in group.own if c.labels.get(labels.CANDIDATE_NAME) == aside.aside_for), None
    )
    if partner is not None and is_other_live_process(partner.labels.get(labels.OWNER)):
        return []  # that process is switching right now
    if partner is not None:
        handled.add(partner.id)
    if partner is not None and partner.is_service:
        await engine.remove(aside.id)
        log.warning("removed %s: the switch to its successor had succeeded", aside.name)
        return [Recovered(inference_id, "retired", aside.id)]
    name_free = group.service is None and group.name_holder is None
    if partner is not None and name_free:
        completed = await _complete(engine, inference_id, partner)
        await engine.remove(aside.id)
        log.warning("removed %s: the switch to its successor is complete", aside.name)
        return [completed, Recovered(inference_id, "retired", aside.id)]
    done = await _drop(engine, partner, aside) if partner is not None else []
    if not name_free:
        log.warning(
            "%s keeps the name %s: another container holds %s", aside.id[:12], aside.name,
            inference_id,
        )  # fmt: skip
        return done
    await engine.rename(aside.id, inference_id)
    log.warning("%s has its name %s back", aside.id[:12], inference_id)
    return [*done, Recovered(inference_id, "renamed", aside.id)]


async def _recover_candidates(
    engine: ContainerEngine, group: ServiceContainers, handled: set[str]
) -> list[Recovered]:
    done: list[Recovered] = []
    service = group.service
    for candidate in group.orphans:
        if candidate.id in handled:
            continue
        replaces = candidate.labels.get(labels.REPLACES)
        gone = bool(replaces) and not await engine.exists(str(replaces))
        if service is None and group.name_holder is None and gone:
            done.append(await _complete(engine, group.inference_id, candidate))
            service = candidate
            continue
        done += await _drop(engine, candidate, service)
    return done

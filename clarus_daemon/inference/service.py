"""Deploy, replace, remove, list and recover inference services; Docker labels are the state."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiodocker
from aiohttp import ClientSession

from clarus_daemon.config.inference import InferenceSettings
from clarus_daemon.errors import DaemonError, NotFound
from clarus_daemon.events import Event, Events
from clarus_daemon.inference import labels
from clarus_daemon.inference.adopt import Unmanaged, adopt, unmanaged_services
from clarus_daemon.inference.containers import ContainerSummary, ServiceContainers
from clarus_daemon.inference.engine import ContainerEngine
from clarus_daemon.inference.engine_errors import engine_errors
from clarus_daemon.inference.errors import NameInUse
from clarus_daemon.inference.image_allowlist import ImageAllowlist
from clarus_daemon.inference.infrastructure import ensure_models_volume, ensure_network
from clarus_daemon.inference.locks import KeyedLocks
from clarus_daemon.inference.ownership import Ownership
from clarus_daemon.inference.policy import (
    check_host_port,
    check_port_free,
    check_request,
    check_service_count,
)
from clarus_daemon.inference.pull import ImagePuller
from clarus_daemon.inference.readiness import Readiness, accepts_connections, probe_target
from clarus_daemon.inference.recovery import Recovered, recover_service
from clarus_daemon.inference.rollout import Rollout, RolloutFailed
from clarus_daemon.inference.spec import DeployRequest, ServiceSpec
from clarus_daemon.inference.views import DeployResult, Outcome, ServiceView, docker_health

log = logging.getLogger("clarus_daemon.inference")

LIST_PROBE_GRACE_S = 0.05
RECOVERY_KINDS = {
    "completed": "replace",
    "retired": "replace",
    "removed": "deploy",
    "restored": "rollback",
    "renamed": "rollback",
}
RecordedDeploys = Callable[[Sequence[str]], Awaitable[set[str]]]
"""Which of these container ids the history records as deployed by this daemon."""


def _failure(err: DaemonError) -> dict[str, Any]:
    return {"error": err.code, "message": err.message, **err.details}


class InferenceService:
    def __init__(
        self,
        docker: aiodocker.Docker,
        *,
        puller: ImagePuller,
        allowlist: ImageAllowlist,
        ownership: Ownership,
        settings: InferenceSettings,
        models_root: Path,
        session: ClientSession,
        events: Events,
        max_services: int = 50,
    ) -> None:
        self._max_services = max_services
        self._docker = docker
        self._puller = puller
        self._allowlist = allowlist
        self._settings = settings
        self._models_root = models_root
        self._events = events
        self._engine = ContainerEngine(
            docker, stop_timeout_s=settings.stop_timeout_s, ownership=ownership
        )
        self._readiness = Readiness(self._engine, session)
        self._locks = KeyedLocks()

    async def deploy(self, request: DeployRequest) -> DeployResult:
        await self._allowlist.check(request)
        check_request(request, self._settings)
        started = datetime.now(UTC)
        subject = request.inference_id
        async with self._locks.hold(subject):
            try:
                with engine_errors(f"deploying {subject}"):
                    result = await self._deploy(request)
            except RolloutFailed as failed:
                outcome = "rolled_back" if failed.rollback.restored else "failed"
                kind = "rollback" if failed.rollback.previous else "deploy"
                details = {"image": request.image.raw, **_failure(failed.error)}
                await self._events.emit(Event(kind, subject, outcome, details, started))
                raise failed.error from failed
            except DaemonError as err:
                details = {"image": request.image.raw, **_failure(err)}
                await self._events.emit(Event("deploy", subject, "failed", details, started))
                raise
        kind = "replace" if result.outcome == "replaced" else "deploy"
        outcome = "unchanged" if result.outcome == "unchanged" else "ok"
        await self._events.emit(Event(kind, subject, outcome, result.as_dict(), started))
        return result

    async def _deploy(self, request: DeployRequest) -> DeployResult:
        containers, group = await self._settle(request.inference_id)
        pulled = await self._puller.pull(request.image)
        spec = ServiceSpec.resolve(request, pulled, self._settings)
        check_host_port(spec.host_port, self._settings)
        current = group.service
        if not group.own:  # a new service, not a replacement
            check_service_count(containers, self._max_services)
        if current is not None and current.running and _same_spec(current, spec):
            log.info("%s already runs %s as asked", spec.inference_id, request.image.raw)
            return DeployResult("unchanged", ServiceView(current, await self._health(current)))
        await check_port_free(spec, containers, group)
        await ensure_network(self._docker, self._settings.network)
        await ensure_models_volume(self._docker, self._settings, self._models_root)
        rollout = Rollout(self._engine, self._readiness, self._settings, spec, current)
        container_id = await rollout.run()
        service = await self._summary(request.inference_id, container_id)
        outcome: Outcome = "created" if current is None else "replaced"
        log.info(
            "%s %s: %s on port %s", spec.inference_id, outcome, spec.image.ref.raw, spec.host_port
        )
        return DeployResult(outcome, ServiceView(service, "reachable"), current)

    async def _settle(self, inference_id: str) -> tuple[list[ContainerSummary], ServiceContainers]:
        """The engine's containers and this id's, leftovers of an interrupted deploy dealt with."""
        containers = await self._engine.list_all()
        group = ServiceContainers.of(inference_id, containers)
        if group.unsettled:
            await self._emit_recovered(await recover_service(self._engine, group))
            containers = await self._engine.list_all()
            group = ServiceContainers.of(inference_id, containers)
        if group.name_holder is not None:
            holder = group.name_holder
            raise NameInUse(
                f"Container name {inference_id!r} belongs to a container this daemon does not "
                f"manage ({holder.id[:12]}); it is left alone",
                details={"container": holder.id},
            )
        return containers, group

    async def _summary(self, inference_id: str, container_id: str) -> ContainerSummary:
        found = await self._engine.list_managed(inference_id)
        return next(c for c in found if c.id == container_id)

    async def remove(self, inference_id: str) -> list[str]:
        """Stop and remove every managed container of the id; their names."""
        started = datetime.now(UTC)
        async with self._locks.hold(inference_id):
            with engine_errors(f"removing {inference_id}"):
                group = await self._engine.service_containers(inference_id)
                if not group.own and group.name_holder is None:
                    return []
                if not group.own:
                    raise NotFound(_not_managed(inference_id, group))
                for container in group.own:
                    await self._engine.remove(container.id)
        removed = [c.name for c in group.own]
        details = {"containers": removed, "images": [c.labels.get(labels.IMAGE) for c in group.own]}
        await self._events.emit(Event("remove", inference_id, "ok", details, started))
        return removed

    async def list_services(self) -> list[ServiceView]:
        with engine_errors("listing inference services"):
            containers = await self._engine.list_managed()
        healths = await asyncio.gather(*(self._health(c) for c in containers))
        views = [ServiceView(c, health) for c, health in zip(containers, healths, strict=True)]
        return sorted(
            views, key=lambda view: (view.container.inference_id or "", view.container.name)
        )

    async def _health(self, container: ContainerSummary) -> str:
        verdict = docker_health(container.status)
        if verdict is not None:
            return verdict
        found = container.labels
        host_port = container.host_port
        container_port = labels.int_label(found, labels.CONTAINER_PORT)
        if not container.running or host_port is None or container_port is None:
            return "down"
        host_ip = found.get(labels.HOST_IP, "")
        target = probe_target(self._settings, container.name, host_ip, host_port, container_port)
        reachable = await accepts_connections(target.host, target.port, LIST_PROBE_GRACE_S)
        return "reachable" if reachable else "unreachable"

    async def unmanaged(self) -> list[Unmanaged]:
        """Containers that look like old inference services nobody adopted."""
        return await unmanaged_services(self._engine)

    async def adopt_containers(self, names: list[str] | None) -> dict[str, Any]:
        return await adopt(self._engine, names)

    async def adopt_recorded(self, recorded: RecordedDeploys) -> None:
        """Adopt the containers of earlier versions (no instance label) that the history
        records as deployed here; name the others, which stay untouched."""
        with engine_errors("listing inference services"):
            labelled = await self._engine.list_labelled()
        legacy = [c for c in labelled if Ownership.is_legacy(c.labels)]
        if not legacy:
            return
        adopted = await recorded([c.id for c in legacy])
        self._engine.ownership.adopt(adopted)
        for container in legacy:
            if container.id in adopted:
                log.info("adopted %s (%s): deployed by this daemon", container.name, container.id)
            else:
                log.warning(
                    "container %s (%s) carries clarus.managed but no instance id, and no "
                    "deploy of it is recorded here: left alone; remove it with docker rm, "
                    "or deploy its service again",
                    container.name,
                    container.id[:12],
                )

    async def reconcile(self) -> list[Recovered]:
        """Deal with what interrupted deploys left on the engine (run at start-up)."""
        with engine_errors("recovering inference services"):
            managed = await self._engine.list_managed()
        unsettled = [c for c in managed if c.is_orphan or c.aside_for is not None]
        pending = sorted({c.inference_id for c in unsettled if c.inference_id})
        done: list[Recovered] = []
        for inference_id in pending:
            async with self._locks.hold(inference_id):
                with engine_errors(f"recovering {inference_id}"):
                    group = await self._engine.service_containers(inference_id)
                    recovered = await recover_service(self._engine, group)
            await self._emit_recovered(recovered)
            done.extend(recovered)
        services = len({c.inference_id for c in managed})
        log.info("inference: %d managed services; recovery took %d actions", services, len(done))
        return done

    async def _emit_recovered(self, done: list[Recovered]) -> None:
        for item in done:
            kind = RECOVERY_KINDS[item.action]
            event = Event(kind, item.inference_id, f"{item.action}_on_recovery", item.as_dict())
            await self._events.emit(event)


def _same_spec(container: ContainerSummary, spec: ServiceSpec) -> bool:
    return container.labels.get(labels.SPEC_HASH) == spec.fingerprint()


def _not_managed(inference_id: str, group: ServiceContainers) -> str:
    message = f"No inference service {inference_id!r} is managed by this daemon"
    if group.name_holder is not None:
        message += (
            " (a container of that name exists, but without the daemon's labels: "
            "`clarus-daemon adopt NAME` takes it over)"
        )
    return message

"""Starting a service's new container and switching to it only once it is ready.

The new container is created under a temporary name that its labels record, so a
deploy interrupted at any step leaves state that recovery can read. The old
container is stopped before the new one starts only when both publish the same
host port. After readiness the old one is renamed aside (a name derived from the
candidate's), the new one takes the service's name, and only then is the old one
removed: the name is never free while nothing holds it for this service but for
the instant between the two renames, and a stranger taking it then fails the
switch instead of costing either container. On failure the old one gets its name
back, the new one is removed and the old one started again.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import aiodocker

from clarus_daemon.config.inference import InferenceSettings
from clarus_daemon.errors import DaemonError
from clarus_daemon.inference import labels
from clarus_daemon.inference.container_spec import SERVICE_RESTART_POLICY, container_config
from clarus_daemon.inference.containers import ContainerSummary
from clarus_daemon.inference.engine import ContainerEngine
from clarus_daemon.inference.engine_errors import CONFLICT_STATUS, engine_error
from clarus_daemon.inference.errors import ContainerNotReady, NameInUse, PortInUse
from clarus_daemon.inference.owner import this_process
from clarus_daemon.inference.readiness import NotReady, Readiness, probe_target
from clarus_daemon.inference.rollout_names import aside_name, candidate_name
from clarus_daemon.inference.spec import ServiceSpec

log = logging.getLogger("clarus_daemon.inference")

PORT_TAKEN_HINTS = ("port is already allocated", "address already in use")


@dataclass(frozen=True)
class Rollback:
    """What a failed rollout left behind, for the answer and the rollback event."""

    reason: str
    logs: list[str]
    previous: ContainerSummary | None
    restored: bool
    """The previous container runs (again); False also when there was none."""
    error: str | None = None
    """Why restoring the previous container failed, if it did."""
    previous_name: str | None = None
    """Where the previous container is, when it could not get the service's name back."""

    def details(self) -> dict[str, Any]:
        previous = self.previous
        return {
            "reason": self.reason,
            "logs": self.logs,
            "rolled_back": previous is not None,
            "previous_container": previous.id if previous else None,
            "previous_image": previous.labels.get(labels.IMAGE) if previous else None,
            "previous_running": self.restored,
            "rollback_error": self.error,
            "previous_container_name": self.previous_name,
        }

    def outcome(self) -> str:
        if self.previous_name is not None:
            return f"{self._outcome()}, under the name {self.previous_name}"
        return self._outcome()

    def _outcome(self) -> str:
        if self.previous is None:
            return "the new container was removed"
        if self.error:
            return (
                f"the new container was removed, but the previous one did not start: {self.error}"
            )
        if self.restored:
            return "rolled back: the new container was removed and the previous one is running"
        return "the new container was removed; the previous one stays stopped, as it was"


class RolloutFailed(Exception):
    """The answer to give (the cause, what was undone) and the rollback for the event."""

    def __init__(self, cause: DaemonError, rollback: Rollback) -> None:
        cause.message = f"{cause.message}; {rollback.outcome()}"
        cause.details.update(rollback.details())
        super().__init__(cause.message)
        self.error = cause
        self.rollback = rollback


@dataclass
class Rollout:
    engine: ContainerEngine
    readiness: Readiness
    settings: InferenceSettings
    spec: ServiceSpec
    current: ContainerSummary | None
    candidate_id: str = field(default="", init=False)
    name: str = field(default="", init=False)
    set_aside: bool = field(default=False, init=False)
    """The previous container no longer has the service's name."""

    @property
    def stops_first(self) -> bool:
        current = self.current
        return current is not None and current.running and current.holds_port(self.spec.host_port)

    def _labels(self, name: str) -> dict[str, str]:
        extra = {
            labels.INSTANCE: self.engine.ownership.instance_id,
            labels.CANDIDATE_NAME: name,
            labels.OWNER: this_process(),
        }
        if self.current is not None:
            extra[labels.REPLACES] = self.current.id
            extra[labels.REPLACES_RUNNING] = str(self.current.running).lower()
        return extra

    async def run(self) -> str:
        """The new container's id, once it is ready and named after the service."""
        self.name = candidate_name(self.spec.inference_id)
        config = container_config(self.spec, self._labels(self.name))
        self.candidate_id = await self.engine.create(config, self.name)
        log.info("created %s for %s", self.name, self.spec.image.ref.raw)
        try:
            await self._start()
            await self._switch()
        except (NotReady, aiodocker.DockerError) as err:
            raise RolloutFailed(self._error_for(err), await self._roll_back(err)) from err
        except asyncio.CancelledError:
            if not self.set_aside:
                # stopping mid-deploy: put the previous container back before going
                await asyncio.shield(self._roll_back(NotReady("the daemon stopped mid-deploy")))
            # mid-switch, where a rename may have been done: recovery reads the names
            raise
        if self.current is not None:
            await self._retire(self.current)
        return self.candidate_id

    async def _retire(self, previous: ContainerSummary) -> None:
        """Remove the previous container; the switch stands even when that fails."""
        try:
            await self.engine.remove(previous.id)
        except aiodocker.DockerError as err:
            # recovery removes it: its successor holds the name
            log.warning("could not remove %s yet: %s", aside_name(self.name), err.message)

    async def _start(self) -> None:
        current = self.current
        if current is not None and self.stops_first:
            log.info("stopping %s: its successor needs its host port", current.name)
            await self.engine.stop(current.id)
        await self.engine.start(self.candidate_id)
        spec = self.spec
        target = probe_target(
            self.settings, self.name, spec.host_ip, spec.host_port, spec.container_port
        )
        await self.readiness.wait(self.candidate_id, target, self.settings.readiness_timeout_s)

    async def _switch(self) -> None:
        """Give the candidate the service's name; the previous container keeps existing,
        under its aside name, until the caller removes it."""
        await self.engine.set_restart_policy(self.candidate_id, SERVICE_RESTART_POLICY)
        if self.current is not None:
            await self.engine.rename(self.current.id, aside_name(self.name))
            self.set_aside = True
        await self.engine.rename(self.candidate_id, self.spec.inference_id)

    async def _roll_back(self, err: Exception) -> Rollback:
        reason = str(err) if isinstance(err, NotReady) else getattr(err, "message", str(err))
        logs = await self.engine.log_tail(self.candidate_id, self.settings.log_tail_lines)
        # the name back first: an aside container with no candidate left is settled state
        left_aside = await self._name_back()
        await self.engine.remove(self.candidate_id)
        current = self.current
        if current is None or not current.running:
            return Rollback(reason, logs, current, restored=False, previous_name=left_aside)
        try:
            await self.engine.start(current.id)
        except aiodocker.DockerError as start_err:
            log.error("could not start %s again: %s", current.name, start_err.message)
            return Rollback(
                reason, logs, current, False, error=start_err.message, previous_name=left_aside
            )
        log.warning("rolled back %s to its previous container", self.spec.inference_id)
        return Rollback(reason, logs, current, restored=True, previous_name=left_aside)

    async def _name_back(self) -> str | None:
        """Give the previous container the service's name again; the name it keeps if
        that fails (another container took the name in between)."""
        if self.current is None or not self.set_aside:
            return None
        try:
            await self.engine.rename(self.current.id, self.spec.inference_id)
        except aiodocker.DockerError as err:
            left = aside_name(self.name)
            log.error("%s keeps the name %s: %s", self.current.id[:12], left, err.message)
            return left
        self.set_aside = False
        return None

    def _error_for(self, err: Exception) -> DaemonError:
        spec = self.spec
        if isinstance(err, NotReady):
            return ContainerNotReady(f"{spec.inference_id} did not become ready: {err}")
        assert isinstance(err, aiodocker.DockerError)
        if any(hint in err.message.lower() for hint in PORT_TAKEN_HINTS):
            return PortInUse(f"Host port {spec.host_port} is already in use: {err.message}")
        if err.status == CONFLICT_STATUS:
            return NameInUse(
                f"Container name {spec.inference_id!r} was taken by another container "
                f"during the switch: {err.message}"
            )
        return engine_error(err, f"starting {spec.inference_id}")

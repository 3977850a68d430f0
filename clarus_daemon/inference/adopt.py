"""Adopting old containers by name, and finding the ones that look like old services."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiodocker

from clarus_daemon.api.inference_schemas import NAME_PATTERN
from clarus_daemon.errors import InvalidRequest, NotFound
from clarus_daemon.inference import labels
from clarus_daemon.inference.adoption import adoption_labels, looks_like_old_service
from clarus_daemon.inference.containers import ContainerSummary
from clarus_daemon.inference.engine import ContainerEngine
from clarus_daemon.inference.engine_errors import engine_errors
from clarus_daemon.inference.ownership import Ownership


@dataclass(frozen=True)
class Unmanaged:
    """A container that looks like an old inference service nobody adopted."""

    name: str
    host_ports: list[int]

    def describe(self) -> str:
        ports = ", ".join(map(str, self.host_ports))
        return f"{self.name} (port {ports})"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "host_ports": self.host_ports}


def _unmanaged(container: ContainerSummary) -> Unmanaged:
    return Unmanaged(container.name, sorted(container.published_ports))


def adopt_hint(found: list[Unmanaged]) -> str | None:
    if not found:
        return None
    listed = ", ".join(u.describe() for u in found)
    return (
        f"containers that look like old inference services are not managed: {listed}; "
        "`clarus-daemon adopt NAME` (or --all) lets the daemon list, remove and replace them"
    )


def standalone_engine(docker: aiodocker.Docker, state_dir: Path) -> ContainerEngine:
    """The engine as the daemon of `state_dir` sees it, for commands run beside it."""
    return ContainerEngine(docker, stop_timeout_s=0, ownership=Ownership.of_state_dir(state_dir))


async def unmanaged_services(engine: ContainerEngine) -> list[Unmanaged]:
    with engine_errors("listing containers"):
        containers = await engine.list_all()
    return [_unmanaged(c) for c in containers if looks_like_old_service(c)]


async def adopt(engine: ContainerEngine, names: Iterable[str] | None) -> dict[str, Any]:
    """Adopt the named containers (None: every one that looks like an old service)."""
    adoptions = engine.ownership.adoptions
    if adoptions is None:
        raise InvalidRequest("adoption needs the daemon's state directory")
    with engine_errors("listing containers"):
        containers = await engine.list_all()
    by_name = {c.name: c for c in containers}
    live_ids = [c.id for c in containers]
    if names is None:
        targets = [c for c in containers if looks_like_old_service(c)]
    else:
        missing = [name for name in names if name not in by_name]
        if missing:
            raise NotFound(f"No container named {', '.join(missing)} on this engine")
        targets = [by_name[name] for name in names]
    adopted, already = [], []
    for container in targets:
        if container.managed:
            already.append(container.name)
            continue
        if not re.match(NAME_PATTERN, container.name):
            raise InvalidRequest(f"{container.name!r} cannot name an inference service")
        with engine_errors(f"inspecting {container.name}"):
            info = await engine.inspect(container.id)
        shown = adoption_labels(info)
        adoptions.save(container.id, shown, live_ids)
        adopted.append(
            {
                "inference_id": container.name,
                "container_id": container.id,
                "image": shown[labels.IMAGE],
                "host_port": shown.get(labels.HOST_PORT),
            }
        )
    return {"adopted": adopted, "already_managed": already, "records": str(adoptions.path)}

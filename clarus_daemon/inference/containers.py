"""Containers as the engine lists them, and the few questions the service asks of them."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from clarus_daemon.inference import labels
from clarus_daemon.inference.owner import is_other_live_process
from clarus_daemon.inference.ownership import Ownership
from clarus_daemon.inference.rollout_names import candidate_of_aside


@dataclass(frozen=True)
class ContainerSummary:
    id: str
    name: str
    state: str
    """created, running, restarting, exited, paused, dead"""
    status: str
    """The engine's words: "Up 5 minutes (healthy)"."""
    created: datetime
    labels: Mapping[str, str] = field(default_factory=dict)
    published_ports: frozenset[int] = frozenset()
    """Host ports it holds now (only a running container holds any)."""
    managed: bool = False
    """This daemon's (Ownership.owns): only then are its labels believed."""

    @classmethod
    def from_listing(
        cls,
        item: Mapping[str, Any],
        ownership: Ownership,
        adopted_labels: Mapping[str, str] | None = None,
    ) -> "ContainerSummary":
        """`adopted_labels`: the record of an adopted container, shown in place of its own."""
        names = item.get("Names") or ["/?"]
        ports = item.get("Ports") or []
        if adopted_labels is not None:
            return replace(
                cls.from_listing(item, ownership),
                labels={**labels.blank_labels(), **adopted_labels},
                managed=True,
            )
        return cls(
            id=item["Id"],
            name=names[0].lstrip("/"),
            state=item.get("State", ""),
            status=item.get("Status", ""),
            created=datetime.fromtimestamp(item.get("Created", 0), UTC),
            labels=item.get("Labels") or {},
            published_ports=frozenset(p["PublicPort"] for p in ports if p.get("PublicPort")),
            managed=ownership.owns(item["Id"], item.get("Labels")),
        )

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def inference_id(self) -> str | None:
        return self.labels.get(labels.INFERENCE_ID) if self.managed else None

    @property
    def is_candidate(self) -> bool:
        """Created for a deploy that has not finished: it still has its temporary name."""
        return self.managed and self.labels.get(labels.CANDIDATE_NAME) == self.name

    @property
    def is_orphan(self) -> bool:
        """A candidate no live daemon process is working on: recovery's to deal with."""
        return self.is_candidate and not is_other_live_process(self.labels.get(labels.OWNER))

    @property
    def aside_for(self) -> str | None:
        """The candidate name this container was renamed aside for, during a switch."""
        inference_id = self.inference_id
        return candidate_of_aside(inference_id, self.name) if inference_id else None

    @property
    def is_service(self) -> bool:
        return self.managed and self.name == self.inference_id

    @property
    def host_port(self) -> int | None:
        return labels.int_label(self.labels, labels.HOST_PORT)

    def holds_port(self, port: int) -> bool:
        """Publishes it now, or, managed, would publish it again when restarted."""
        return port in self.published_ports or (self.managed and self.host_port == port)


@dataclass(frozen=True)
class ServiceContainers:
    """Every container labelled with one inference id, and whoever holds its name."""

    inference_id: str
    own: list[ContainerSummary]
    """Managed with this id: the service, candidates of unfinished deploys, odd-named ones."""
    name_holder: ContainerSummary | None
    """A container with the id as its name that is not this id's service: never touched."""

    @classmethod
    def of(cls, inference_id: str, containers: list[ContainerSummary]) -> "ServiceContainers":
        own = [c for c in containers if c.inference_id == inference_id]
        named = next((c for c in containers if c.name == inference_id), None)
        holder = named if named is not None and not named.is_service else None
        return cls(inference_id, own, holder)

    @property
    def service(self) -> ContainerSummary | None:
        return next((c for c in self.own if c.is_service), None)

    @property
    def orphans(self) -> list[ContainerSummary]:
        return [c for c in self.own if c.is_orphan]

    @property
    def aside(self) -> list[ContainerSummary]:
        """Previous containers renamed aside by a switch that has not finished."""
        return [c for c in self.own if c.aside_for is not None]

    @property
    def unsettled(self) -> bool:
        """Something an interrupted deploy left for recovery."""
        return bool(self.orphans or self.aside)

    @property
    def ids(self) -> set[str]:
        return {c.id for c in self.own}

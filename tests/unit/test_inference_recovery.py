"""Recovery decisions on every shape an interrupted deploy can leave, against a fake engine."""

from datetime import UTC, datetime
from typing import Any

from clarus_daemon.inference.containers import ContainerSummary, ServiceContainers
from clarus_daemon.inference.recovery import recover_service

ID = "UC_Energy"
CANDIDATE = f"{ID}.next-abc123"


def container(cid: str, name: str, state: str = "running", **labels: str) -> ContainerSummary:
    return ContainerSummary(
        id=cid,
        name=name,
        state=state,
        status="",
        created=datetime.now(UTC),
        labels={"clarus.managed": "true", "clarus.inference_id": ID, **labels},
        managed=True,
    )


def candidate(cid: str = "new", **labels: str) -> ContainerSummary:
    return container(cid, CANDIDATE, **{"clarus.candidate_name": CANDIDATE, **labels})


class FakeEngine:
    def __init__(self, existing: set[str]) -> None:
        self.existing = existing
        self.calls: list[tuple[str, ...]] = []

    async def exists(self, container_id: str) -> bool:
        return container_id in self.existing

    async def remove(self, container_id: str) -> None:
        self.calls.append(("remove", container_id))

    async def start(self, container_id: str) -> None:
        self.calls.append(("start", container_id))

    async def rename(self, container_id: str, name: str) -> None:
        self.calls.append(("rename", container_id, name))

    async def set_restart_policy(self, container_id: str, policy: dict[str, Any]) -> None:
        self.calls.append(("policy", container_id, policy["Name"]))


async def recover(engine: FakeEngine, *containers: ContainerSummary) -> list[str]:
    done = await recover_service(engine, ServiceContainers.of(ID, list(containers)))  # type: ignore[arg-type]
    return [item.action for item in done]


async def test_stopped_predecessor_is_started_again() -> None:
    old = container("old", ID, state="exited")
    engine = FakeEngine({"old", "new"})
    new = candidate(**{"clarus.replaces": "old", "clarus.replaces_running": "true"})

    assert await recover(engine, old, new) == ["removed", "restored"]
    assert engine.calls == [("remove", "new"), ("start", "old")]


async def test_predecessor_stopped_before_the_deploy_stays_stopped() -> None:
    old = container("old", ID, state="exited")
    engine = FakeEngine({"old", "new"})
    new = candidate(**{"clarus.replaces": "old", "clarus.replaces_running": "false"})

    assert await recover(engine, old, new) == ["removed"]


async def test_gone_predecessor_means_the_switch_is_finished() -> None:
    engine = FakeEngine({"new"})
    new = candidate(**{"clarus.replaces": "old", "clarus.replaces_running": "true"})

    assert await recover(engine, new) == ["completed"]
    assert engine.calls == [
        ("policy", "new", "unless-stopped"),
        ("rename", "new", ID),
        ("start", "new"),
    ]


async def test_first_deploy_candidate_is_removed() -> None:
    engine = FakeEngine({"new"})

    assert await recover(engine, candidate()) == ["removed"]


async def test_name_held_by_a_stranger_blocks_the_rename() -> None:
    stranger = ContainerSummary("x", ID, "running", "", datetime.now(UTC), {})
    engine = FakeEngine({"new", "x"})
    new = candidate(**{"clarus.replaces": "old"})

    assert await recover(engine, stranger, new) == ["removed"]
    assert ("remove", "x") not in engine.calls


async def test_renamed_service_and_odd_names_are_not_candidates() -> None:
    service = container("svc", ID, **{"clarus.candidate_name": CANDIDATE})
    odd = container("odd", "uc-energy-manual")
    engine = FakeEngine({"svc", "odd"})

    assert await recover(engine, service, odd) == []
    assert engine.calls == []

"""The switch to a replacement: the previous container is renamed aside, never removed
before its successor holds the name, and every state between the steps is recovered."""

from typing import Any

import pytest

from clarus_daemon.inference.engine import ContainerEngine
from tests.infra.images import InferenceApi, InferenceLab, fetch
from tests.infra.ports import eventually, free_port
from tests.integration.test_inference_recovery import deployed, leave_candidate, state

pytestmark = pytest.mark.integration

DEPLOY = "/api/inference/deploy"
CANDIDATE = "{}.next-0ff1ce"
ASIDE = "{}.prev-0ff1ce"


def stranger(lab: InferenceLab, name: str) -> str:
    """A container of someone else's, without any of the daemon's labels."""
    return lab.engine.cli("create", "--name", name, "clarus-test/good:1")


def names_of(lab: InferenceLab, inference_id: str) -> list[str]:
    found = lab.engine.cli(
        "ps", "-a", "--filter", f"label=clarus.inference_id={inference_id}", "--format",
        "{{.Names}}",
    )  # fmt: skip
    return sorted(found.split())


async def set_aside_mid_switch(
    api: InferenceApi, lab: InferenceLab, *, stopped: bool = False
) -> tuple[str, str, str, int]:
    """A service whose switch stopped after the previous container was renamed aside:
    its id, the previous container, the candidate and the candidate's port."""
    inference_id, new_port = lab.new_id(), free_port()
    old = await deployed(api, lab, inference_id, free_port())
    if stopped:  # as when both wanted one host port
        lab.engine.cli("stop", inference_id)
    candidate = leave_candidate(lab, inference_id, replaces=old, port=new_port)
    lab.engine.cli("rename", inference_id, ASIDE.format(inference_id))
    return inference_id, old, candidate, new_port


async def test_a_replacement_leaves_one_container_under_the_name(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id, port = inference_lab.new_id(), free_port()
    client = await inference_api()
    await deployed(inference_api, inference_lab, inference_id, port)

    body = inference_lab.body(inference_id, port, docker_img_uri=inference_lab.images.good_v2)
    response = await client.post(DEPLOY, json=body)

    assert response.status == 201, await response.json()
    assert names_of(inference_lab, inference_id) == [inference_id]
    assert fetch(port) == "v2\n"


async def test_a_stranger_taking_the_name_mid_switch_costs_no_container(
    inference_api: InferenceApi, inference_lab: InferenceLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    inference_id, port = inference_lab.new_id(), free_port()
    client = await inference_api()
    old = await deployed(inference_api, inference_lab, inference_id, port)
    strangers: list[str] = []
    rename = ContainerEngine.rename

    async def racing_rename(engine: ContainerEngine, container_id: str, name: str) -> None:
        await rename(engine, container_id, name)
        if ".prev-" in name:  # the name is free now: someone else takes it
            strangers.append(stranger(inference_lab, inference_id))

    monkeypatch.setattr(ContainerEngine, "rename", racing_rename)
    body = inference_lab.body(inference_id, port, docker_img_uri=inference_lab.images.good_v2)
    response = await client.post(DEPLOY, json=body)
    answer: dict[str, Any] = await response.json()
    monkeypatch.undo()

    assert response.status == 409, answer
    assert answer["error"] == "name_in_use"
    aside = answer["details"]["previous_container_name"]
    assert inference_lab.containers_of(inference_id) == [old]
    assert state(inference_lab, aside) == "running"
    assert fetch(port) == "v1\n"
    assert inference_lab.inspect(inference_id)["Id"] == strangers[0]

    # once the stranger is gone, the next start gives the service its name back
    inference_lab.engine.cli("rm", "-f", strangers[0])
    await inference_api()
    await eventually(lambda: state(inference_lab, inference_id) == "running")
    assert inference_lab.containers_of(inference_id) == [old]
    assert fetch(port) == "v1\n"


async def test_crash_with_the_previous_aside_finishes_the_switch(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id, _, candidate, new_port = await set_aside_mid_switch(inference_api, inference_lab)

    await inference_api()

    await eventually(lambda: inference_lab.containers_of(inference_id) == [candidate])
    assert names_of(inference_lab, inference_id) == [inference_id]
    assert state(inference_lab, inference_id) == "running"
    assert fetch(new_port) == "v2\n"


async def test_crash_after_the_candidate_took_the_name_removes_only_the_previous(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id, _, candidate, new_port = await set_aside_mid_switch(inference_api, inference_lab)
    inference_lab.engine.cli("rename", CANDIDATE.format(inference_id), inference_id)

    await inference_api()

    await eventually(lambda: inference_lab.containers_of(inference_id) == [candidate])
    assert names_of(inference_lab, inference_id) == [inference_id]
    assert fetch(new_port) == "v2\n"


async def test_crash_with_the_previous_aside_and_a_stranger_keeps_the_previous(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id, old, _, _ = await set_aside_mid_switch(inference_api, inference_lab, stopped=True)
    intruder = stranger(inference_lab, inference_id)

    await inference_api()

    await eventually(lambda: inference_lab.containers_of(inference_id) == [old])
    await eventually(lambda: state(inference_lab, ASIDE.format(inference_id)) == "running")
    assert inference_lab.inspect(inference_id)["Id"] == intruder
    assert inference_lab.inspect(ASIDE.format(inference_id))["Id"] == old


async def test_crash_after_a_rolled_back_switch_gives_the_name_back(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id, port = inference_lab.new_id(), free_port()
    old = await deployed(inference_api, inference_lab, inference_id, port)
    inference_lab.engine.cli("rename", inference_id, ASIDE.format(inference_id))

    await inference_api()

    await eventually(lambda: names_of(inference_lab, inference_id) == [inference_id])
    assert inference_lab.containers_of(inference_id) == [old]
    assert fetch(port) == "v1\n"

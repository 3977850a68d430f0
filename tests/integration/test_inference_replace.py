"""Idempotent deploys, safe replacement, rollback, and one operation per id at a time."""

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.infra.images import InferenceApi, InferenceLab, fetch, record_events
from tests.infra.ports import free_port

pytestmark = pytest.mark.integration

DEPLOY = "/api/inference/deploy"


async def deploy(client: TestClient[Any, Any], request: dict[str, Any]) -> tuple[int, Any]:
    response = await client.post(DEPLOY, json=request)
    return response.status, await response.json()


async def running_v1(client: TestClient[Any, Any], lab: InferenceLab) -> tuple[str, int, Any]:
    """A fresh service of good_v1: its id, host port and deploy answer."""
    inference_id, port = lab.new_id(), free_port()
    status, first = await deploy(client, lab.body(inference_id, port))
    assert status == 201, first
    return inference_id, port, first


def started_at(lab: InferenceLab, name: str) -> str:
    return str(lab.inspect(name)["State"]["StartedAt"])


async def test_same_request_twice_changes_nothing(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    events = record_events(client)
    inference_id, port = inference_lab.new_id(), free_port()
    request = inference_lab.body(inference_id, port, env={"A": "1"})
    status, first = await deploy(client, request)
    assert status == 201, first
    before = started_at(inference_lab, inference_id)

    status, second = await deploy(client, {**request, "inference_rest_api_port": 8080})

    assert status == 200, second
    assert second["outcome"] == "unchanged"
    assert second["container_id"] == first["container_id"]
    assert started_at(inference_lab, inference_id) == before
    assert events.kinds() == [("deploy", "ok"), ("deploy", "unchanged")]


async def test_new_image_replaces_the_service_on_the_same_port(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    events = record_events(client)
    inference_id, port, first = await running_v1(client, inference_lab)

    request = inference_lab.body(inference_id, port, docker_img_uri=inference_lab.images.good_v2)
    status, second = await deploy(client, request)

    assert status == 201, second
    assert second["outcome"] == "replaced"
    assert second["replaced"]["container_id"] == first["container_id"]
    assert second["image_digest"] != first["image_digest"]
    assert fetch(port) == "v2\n"
    assert inference_lab.containers_of(inference_id) == [second["container_id"]]
    assert events.kinds()[-1] == ("replace", "ok")


async def test_changed_env_or_port_replaces_too(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id, port, new_port = inference_lab.new_id(), free_port(), free_port()
    status, _ = await deploy(client, inference_lab.body(inference_id, port))
    assert status == 201

    status, with_env = await deploy(client, inference_lab.body(inference_id, port, env={"X": "2"}))
    assert (status, with_env["outcome"]) == (201, "replaced"), with_env
    status, moved = await deploy(client, inference_lab.body(inference_id, new_port, env={"X": "2"}))

    assert (status, moved["outcome"], moved["host_port"]) == (201, "replaced", new_port), moved
    assert fetch(new_port) == "v1\n"
    with pytest.raises(OSError):
        fetch(port)
    assert len(inference_lab.containers_of(inference_id)) == 1


async def test_broken_successor_is_rolled_back(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    events = record_events(client)
    inference_id, port, first = await running_v1(client, inference_lab)

    request = inference_lab.body(inference_id, port, docker_img_uri=inference_lab.images.broken)
    status, failed = await deploy(client, request)

    assert status == 502, failed
    assert failed["error"] == "container_not_ready"
    assert "exited with code 3" in failed["message"] and "rolled back" in failed["message"]
    details = failed["details"]
    assert any("model file missing" in line for line in details["logs"])
    assert details["rolled_back"] is True and details["previous_running"] is True
    assert details["previous_container"] == first["container_id"]
    assert fetch(port) == "v1\n"
    assert inference_lab.containers_of(inference_id) == [first["container_id"]]
    assert events.kinds()[-1] == ("rollback", "rolled_back")


async def test_broken_first_deploy_leaves_nothing(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id = inference_lab.new_id()
    request = inference_lab.body(
        inference_id, free_port(), docker_img_uri=inference_lab.images.broken
    )

    status, failed = await deploy(client, request)

    assert status == 502, failed
    assert failed["details"]["rolled_back"] is False
    assert inference_lab.containers_of(inference_id) == []


async def test_silent_container_fails_readiness_within_the_timeout(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api(readiness_timeout_s=1.5)
    inference_id, port = inference_lab.new_id(), free_port()
    request = inference_lab.body(inference_id, port, docker_img_uri=inference_lab.images.silent)

    status, failed = await deploy(client, request)

    assert status == 502, failed
    assert f"127.0.0.1:{port} did not accept connections within 1.5 s" in failed["message"]
    assert inference_lab.containers_of(inference_id) == []


async def test_health_path_is_probed(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api(health_path="/index.html")
    inference_id = inference_lab.new_id()

    status, answer = await deploy(client, inference_lab.body(inference_id, free_port()))

    assert status == 201, answer


async def test_failed_pull_keeps_the_running_service(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id, port, first = await running_v1(client, inference_lab)
    missing = inference_lab.images.registry.ref("clarus-test/good:404")

    status, failed = await deploy(
        client, inference_lab.body(inference_id, port, docker_img_uri=missing)
    )

    assert status == 404, failed
    assert inference_lab.containers_of(inference_id) == [first["container_id"]]
    assert fetch(port) == "v1\n"


async def test_concurrent_deploys_of_one_id_run_one_after_the_other(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id, port = inference_lab.new_id(), free_port()
    request = inference_lab.body(inference_id, port)

    results = await asyncio.gather(deploy(client, request), deploy(client, request))

    assert sorted(status for status, _ in results) == [200, 201], results
    assert {answer["container_id"] for _, answer in results} == set(
        inference_lab.containers_of(inference_id)
    )


async def test_different_ids_deploy_in_parallel(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    ids = [inference_lab.new_id() for _ in range(3)]
    ports = [free_port() for _ in ids]

    results = await asyncio.gather(
        *(deploy(client, inference_lab.body(i, p)) for i, p in zip(ids, ports, strict=True))
    )

    assert [status for status, _ in results] == [201, 201, 201], results
    assert [fetch(port) for port in ports] == ["v1\n"] * 3

"""Deploy, list and remove inference services on a real engine, images from a real registry."""

import json
from typing import Any

import pytest

from tests.infra.images import InferenceApi, InferenceLab, fetch, record_events
from tests.infra.ports import free_port

pytestmark = pytest.mark.integration

DEPLOY = "/api/inference/deploy"


async def test_deploy_runs_the_image_on_the_forwarded_port(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id, port = inference_lab.new_id(), free_port()
    env = {"MODEL_NAME": "wine", "THREADS": 4}

    response = await client.post(DEPLOY, json=inference_lab.body(inference_id, port, env=env))

    answer = await response.json()
    assert response.status == 201, answer
    assert answer["inference_id"] == inference_id and answer["outcome"] == "created"
    assert answer["image"] == inference_lab.images.good_v1
    assert answer["image_digest"].startswith("sha256:")
    assert (answer["host_port"], answer["container_port"]) == (port, 8080)
    assert answer["state"] == "running" and answer["container_id"]
    assert inference_id in answer["message"]
    assert fetch(port) == "v1\n"

    info = inference_lab.inspect(inference_id)
    labels = info["Config"]["Labels"]
    assert labels["clarus.managed"] == "true" and labels["clarus.inference_id"] == inference_id
    assert labels["clarus.image"] == inference_lab.images.good_v1
    assert labels["clarus.source"] == "registry"
    assert json.loads(labels["clarus.request"])["env"] == ["MODEL_NAME", "THREADS"]
    assert {"MODEL_NAME=wine", "THREADS=4"} <= set(info["Config"]["Env"])
    host = info["HostConfig"]
    assert host["RestartPolicy"]["Name"] == "unless-stopped"
    assert host["Privileged"] is False and not host.get("Binds")
    assert host["PortBindings"]["8080/tcp"] == [{"HostIp": "127.0.0.1", "HostPort": str(port)}]
    assert inference_lab.network in info["NetworkSettings"]["Networks"]
    (mount,) = info["Mounts"]
    assert mount["Name"] == inference_lab.volume and mount["Destination"] == "/models"
    assert mount["RW"] is False


async def test_models_volume_shows_the_models_root(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id = inference_lab.new_id()
    inference_lab.models_root.mkdir(parents=True, exist_ok=True)
    (inference_lab.models_root / "marker.txt").write_text("weights")

    response = await client.post(DEPLOY, json=inference_lab.body(inference_id, free_port()))

    assert response.status == 201, await response.json()
    listing = inference_lab.engine.cli(
        "exec", inference_id, "/bin/busybox", "cat", "/models/marker.txt"
    )
    assert listing == "weights"


async def test_old_exp_id_body_publishes_the_exposed_port(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    exp_id, port = inference_lab.new_id("UC_Energy"), free_port()
    client = await inference_api(legacy_host_ports={exp_id: port})

    response = await client.post(
        DEPLOY, json={"exp_id": exp_id, "docker_img": inference_lab.images.good_v1}
    )

    answer = await response.json()
    assert response.status == 201, answer
    assert (answer["container_port"], answer["host_port"]) == (8080, port)
    assert answer["exp_id"] == exp_id
    assert inference_lab.inspect(exp_id)["Name"] == f"/{exp_id}"
    assert fetch(port) == "v1\n"


async def test_old_body_needs_a_single_exposed_port(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    exp_id = inference_lab.new_id()

    response = await client.post(
        DEPLOY, json={"exp_id": exp_id, "docker_img": inference_lab.images.two_ports}
    )

    answer = await response.json()
    assert response.status == 400, answer
    assert "8080, 9090" in answer["message"]
    assert inference_lab.containers_of(exp_id) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"env": {"1BAD": "x"}}, "env"),
        ({"env": {"GOOD": {"nested": 1}}}, "env"),
        ({"inference_rest_api_port": "http"}, "inference_rest_api_port"),
        ({"inference_rest_api_forward_port": 70000}, "inference_rest_api_forward_port"),
        ({"inference_id": "bad name"}, "inference_id"),
        ({"docker_img_uri": None}, "docker_img_uri"),
    ],
)
async def test_invalid_bodies_are_400_naming_the_field(
    inference_api: InferenceApi, inference_lab: InferenceLab, changes: dict[str, Any], field: str
) -> None:
    client = await inference_api()
    inference_id = inference_lab.new_id()
    request = {**inference_lab.body(inference_id, free_port()), **changes}

    response = await client.post(DEPLOY, json=request)

    answer = await response.json()
    assert response.status == 400, answer
    assert field in answer["message"]
    assert inference_lab.containers_of(inference_id) == []


async def test_list_and_remove_by_either_key(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    events = record_events(client)
    first, second = inference_lab.new_id(), inference_lab.new_id()
    for inference_id in (first, second):
        response = await client.post(DEPLOY, json=inference_lab.body(inference_id, free_port()))
        assert response.status == 201, await response.json()

    listing = await (await client.get("/api/inference/all")).json()

    mine = {
        entry["inference_id"]: entry
        for entry in listing
        if entry["inference_id"] in (first, second)
    }
    assert set(mine) == {first, second}
    entry = mine[first]
    assert entry["state"] == "running" and entry["health"] == "reachable"
    assert entry["container_port"] == 8080 and entry["image"] == inference_lab.images.good_v1
    assert entry["created"]

    removed = await client.delete(DEPLOY, params={"inference_id": first})
    assert removed.status == 201, await removed.json()
    by_body = await client.delete(DEPLOY, json={"exp_id": second})
    assert by_body.status == 201, await by_body.json()
    assert inference_lab.containers_of(first) == inference_lab.containers_of(second) == []
    removals = [e for e in events.events if e.kind == "remove"]
    assert [(e.subject, e.details["containers"]) for e in removals] == [
        (first, [first]),
        (second, [second]),
    ]

    # gone already: 201 with nothing removed, as the old agents answered "already deleted"
    again = await client.delete(DEPLOY, params={"exp_id": first})
    assert again.status == 201
    assert (await again.json())["removed"] == []


async def test_unmanaged_containers_are_never_touched(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    name = inference_lab.new_id()
    inference_lab.engine.cli("create", "--name", name, "clarus-test/good:1")

    deploy = await client.post(DEPLOY, json=inference_lab.body(name, free_port()))
    remove = await client.delete(DEPLOY, params={"inference_id": name})
    listing = await (await client.get("/api/inference/all")).json()

    assert deploy.status == 409, await deploy.json()
    assert (await deploy.json())["error"] == "name_in_use"
    assert remove.status == 404
    assert "without the daemon's labels" in (await remove.json())["message"]
    assert name not in {entry["inference_id"] for entry in listing}
    assert inference_lab.inspect(name)["State"]["Status"] == "created"


async def test_allowed_images_policy_refuses_before_pulling(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api(
        allowed_images=["registry.plant:5001/*"], allow_configured_registries=False
    )
    inference_id = inference_lab.new_id()

    response = await client.post(DEPLOY, json=inference_lab.body(inference_id, free_port()))

    assert response.status == 403
    assert (await response.json())["error"] == "image_not_allowed"


async def test_remove_needs_a_valid_id(inference_api: InferenceApi) -> None:
    client = await inference_api()

    missing = await client.delete(DEPLOY)
    invalid = await client.delete(DEPLOY, params={"inference_id": "../etc"})
    not_json = await client.delete(DEPLOY, data=b"{", headers={"Content-Type": "application/json"})

    assert [r.status for r in (missing, invalid, not_json)] == [400, 400, 400]
    assert "inference_id" in (await missing.json())["message"]
    assert "inference_id" in (await invalid.json())["message"]

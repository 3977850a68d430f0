"""What an inference deploy may run and how, out of the box, against the real engine and
registry: the image allowlist, denied variables, container limits and isolation, and
which containers are the daemon's."""

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

from clarus_daemon.events import Event
from clarus_daemon.history.store import HistoryStore
from clarus_daemon.inference import labels
from tests.infra.images import InferenceApi, InferenceLab
from tests.infra.ports import free_port

DEPLOY = "/api/inference/deploy"


def _digest_of(lab: InferenceLab, ref: str) -> str:
    lab.engine.cli("pull", ref, check=False)
    found = lab.engine.cli("image", "inspect", "--format", "{{json .RepoDigests}}", ref)
    return str(json.loads(found)[0].partition("@")[2])


async def test_an_image_of_an_unnamed_registry_is_refused_naming_the_rule(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    body = inference_lab.body(inference_lab.new_id(), free_port())

    response = await client.post(DEPLOY, json={**body, "docker_img_uri": "evil.example/x:1"})

    answer = await response.json()
    assert response.status == 403
    assert answer["error"] == "image_not_allowed"
    assert answer["details"]["rule"] == "evil.example/x:1"
    assert "inference.allowed_images" in answer["message"]
    assert inference_lab.images.registry.host in answer["details"]["registries"]
    pulled = inference_lab.engine.cli("images", "-q", "evil.example/x", check=False)
    assert pulled == ""


async def test_config_json_auths_admit_their_registry(
    inference_api: InferenceApi, inference_lab: InferenceLab, tmp_path: Path
) -> None:
    registry = inference_lab.images.registry
    config = registry.docker_config(tmp_path)
    client = await inference_api(
        sections={"docker": {"registries": {}, "config_file": str(config)}}
    )
    inference_id = inference_lab.new_id()

    response = await client.post(DEPLOY, json=inference_lab.body(inference_id, free_port()))

    assert response.status == 201, await response.text()


async def test_uppercase_first_component_is_not_a_registry(inference_api: InferenceApi) -> None:
    client = await inference_api()
    body = {
        "inference_id": "x1",
        "docker_img_uri": "EVILHOST/img",
        "inference_rest_api_port": 8080,
        "inference_rest_api_forward_port": 8000,
    }

    response = await client.post(DEPLOY, json=body)

    assert response.status == 400
    assert "lowercase" in (await response.json())["message"]


async def test_a_digest_needs_a_rule_that_names_digests(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    good = inference_lab.images.good_v1
    repository = good.rsplit(":", 1)[0]
    by_digest = f"{repository}@{_digest_of(inference_lab, good)}"
    registry = inference_lab.images.registry.host
    tags_only = await inference_api(
        allowed_images=[f"{registry}/*"], allow_configured_registries=False
    )
    pinned = await inference_api(allowed_images=[by_digest], allow_configured_registries=False)
    first, second = inference_lab.new_id(), inference_lab.new_id()

    refused = await tags_only.post(
        DEPLOY, json=inference_lab.body(first, free_port(), docker_img_uri=by_digest)
    )
    admitted = await pinned.post(
        DEPLOY, json=inference_lab.body(second, free_port(), docker_img_uri=by_digest)
    )
    tag_of_pinned = await pinned.post(DEPLOY, json=inference_lab.body(first, free_port()))

    assert refused.status == 403
    assert (await refused.json())["details"]["rule"] == by_digest
    assert admitted.status == 201, await admitted.text()
    assert tag_of_pinned.status == 403


async def test_variables_that_run_other_code_are_refused(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id = inference_lab.new_id()
    env = {"LOG_LEVEL": "info", "LD_PRELOAD": "/models/evil.so"}

    response = await client.post(
        DEPLOY, json=inference_lab.body(inference_id, free_port(), env=env)
    )

    answer = await response.json()
    assert response.status == 400
    assert "LD_PRELOAD" in answer["message"]
    assert inference_lab.containers_of(inference_id) == []


async def test_containers_run_confined(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id = inference_lab.new_id()

    response = await client.post(DEPLOY, json=inference_lab.body(inference_id, free_port()))

    assert response.status == 201, await response.text()
    info = inference_lab.inspect(inference_id)
    host = info["HostConfig"]
    assert host["SecurityOpt"] == ["no-new-privileges:true"]
    assert host["Memory"] == 1024 * 1024 * 1024
    assert host["NanoCpus"] == 1_000_000_000
    assert host["PidsLimit"] == 512
    assert not host["Privileged"] and not host.get("Binds")
    assert host["NetworkMode"] == inference_lab.network
    mounts = [(m["Type"], m["Name"], m["RW"]) for m in info["Mounts"]]
    assert mounts == [("volume", inference_lab.volume, False)]


async def test_a_deploy_may_ask_for_other_limits_within_the_caps(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    within, beyond = inference_lab.new_id(), inference_lab.new_id()
    limits: dict[str, Any] = {"memory_mb": 256, "cpus": 0.5, "pids": 64}

    ok = await client.post(DEPLOY, json=inference_lab.body(within, free_port(), limits=limits))
    refused = await client.post(
        DEPLOY, json=inference_lab.body(beyond, free_port(), limits={"memory_mb": 65536})
    )

    assert ok.status == 201, await ok.text()
    host = inference_lab.inspect(within)["HostConfig"]
    assert (host["Memory"], host["NanoCpus"], host["PidsLimit"]) == (256 << 20, 500_000_000, 64)
    assert refused.status == 403
    assert "max_memory_limit_mb" in (await refused.json())["message"]
    assert inference_lab.containers_of(beyond) == []


async def test_host_ports_outside_the_default_range_are_refused(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api(host_port_range=(7000, 9999))  # the shipped default
    inference_id = inference_lab.new_id()

    privileged = await client.post(DEPLOY, json=inference_lab.body(inference_id, 80))
    high = await client.post(DEPLOY, json=inference_lab.body(inference_id, 20000))

    assert [privileged.status, high.status] == [403, 403]
    assert (await privileged.json())["error"] == "port_not_allowed"


def _build_impostor(lab: InferenceLab, inference_id: str, tmp_path: Path) -> str:
    """An image that presets every clarus.* label the daemon knows, for `inference_id`."""
    preset = {
        key: "x"
        for key in vars(labels).values()
        if isinstance(key, str) and key.startswith("clarus.")
    }
    preset.update(
        {
            labels.MANAGED: "true",
            labels.INFERENCE_ID: inference_id,
            labels.CANDIDATE_NAME: inference_id,
            labels.HOST_PORT: "8080",
        }
    )
    lines = "\n".join(f"LABEL {key}={json.dumps(value)}" for key, value in preset.items())
    (tmp_path / "Dockerfile").write_text(f"FROM {lab.images.good_v1}\n{lines}\n")
    tag = f"clarus-test/impostor:{inference_id.lower()}"
    subprocess.run(
        ["docker", "build", "-q", "-t", tag, str(tmp_path)],
        env={**lab.engine.env(), "DOCKER_BUILDKIT": "0"},
        capture_output=True,
        check=True,
    )
    return tag


async def test_a_container_whose_image_presets_every_label_is_not_the_daemons(
    inference_api: InferenceApi, inference_lab: InferenceLab, tmp_path: Path
) -> None:
    inference_id = inference_lab.new_id()
    image = _build_impostor(inference_lab, inference_id, tmp_path)
    inference_lab.engine.cli("create", "--name", inference_id, image)
    container = inference_lab.inspect(inference_id)
    assert container["Config"]["Labels"][labels.INFERENCE_ID] == inference_id
    client = await inference_api()

    listing = await (await client.get("/api/inference/all")).json()
    removed = await client.delete(DEPLOY, params={"inference_id": inference_id})
    replaced = await client.post(DEPLOY, json=inference_lab.body(inference_id, free_port()))

    assert inference_id not in {entry["inference_id"] for entry in listing}
    assert removed.status == 404
    assert replaced.status == 409
    assert inference_lab.inspect(inference_id)["Id"] == container["Id"]
    inference_lab.engine.cli("rm", "-f", inference_id)
    inference_lab.engine.cli("rmi", image, check=False)


async def test_deployed_containers_carry_the_instance_id_of_the_state_dir(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id = inference_lab.new_id()

    response = await client.post(DEPLOY, json=inference_lab.body(inference_id, free_port()))

    assert response.status == 201
    found = inference_lab.inspect(inference_id)["Config"]["Labels"]
    kept = (inference_lab.root / "instance-id").read_text().strip()
    assert found[labels.INSTANCE] == kept
    assert kept not in await (await client.get("/api/inference/all")).text()


def _legacy_container(lab: InferenceLab, inference_id: str) -> str:
    """A container as earlier versions labelled it: clarus.managed, no instance id."""
    return lab.engine.cli(
        "create", "--name", inference_id,
        "--label", f"{labels.MANAGED}=true", "--label", f"{labels.INFERENCE_ID}={inference_id}",
        lab.images.good_v1,
    )  # fmt: skip


async def test_containers_of_earlier_versions_are_adopted_when_the_history_records_them(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    recorded, unknown = inference_lab.new_id("old"), inference_lab.new_id("old")
    inference_lab.engine.cli("pull", inference_lab.images.good_v1, check=False)
    recorded_id = _legacy_container(inference_lab, recorded)
    _legacy_container(inference_lab, unknown)
    store = await HistoryStore.open(inference_lab.root / "history.sqlite3")
    await store.append(Event("deploy", recorded, "ok", {"container_id": recorded_id}))
    await store.close()
    client = await inference_api()

    async def listed() -> set[str]:
        answer = await (await client.get("/api/inference/all")).json()
        return {entry["inference_id"] for entry in answer}

    for _ in range(100):
        if recorded in await listed():
            break
        await asyncio.sleep(0.1)
    assert recorded in await listed()
    assert unknown not in await listed()
    assert (await client.delete(DEPLOY, params={"inference_id": unknown})).status == 404
    assert (await client.delete(DEPLOY, params={"inference_id": recorded})).status == 201

"""Pulls from a real registry with htpasswd auth: credentials from settings or a config.json."""

from pathlib import Path
from typing import Any

import pytest

from tests.infra.images import InferenceApi, InferenceLab, fetch
from tests.infra.ports import free_port

pytestmark = pytest.mark.integration

DEPLOY = "/api/inference/deploy"


async def deploy(
    api: InferenceApi, lab: InferenceLab, image: str, **settings: Any
) -> tuple[str, int, Any]:
    client = await api(**settings)
    inference_id = lab.new_id()
    response = await client.post(
        DEPLOY, json=lab.body(inference_id, free_port(), docker_img_uri=image)
    )
    return inference_id, response.status, await response.json()


async def test_credentials_from_a_docker_config_file(
    inference_api: InferenceApi, inference_lab: InferenceLab, tmp_path: Path
) -> None:
    config_file = inference_lab.images.registry.docker_config(tmp_path / "docker")
    client = await inference_api(
        sections={"docker": {"registries": {}, "config_file": str(config_file)}}
    )
    inference_id, port = inference_lab.new_id(), free_port()

    response = await client.post(DEPLOY, json=inference_lab.body(inference_id, port))

    assert response.status == 201, await response.json()
    assert fetch(port) == "v1\n"


@pytest.mark.parametrize(
    ("docker_section", "says"),
    [
        ({"registries": {}}, "no credentials are configured"),
        ("wrong-settings", "from settings"),
        ("wrong-config-file", "from docker config file"),
    ],
)
async def test_refused_credentials_are_a_clear_502(
    inference_api: InferenceApi,
    inference_lab: InferenceLab,
    tmp_path: Path,
    docker_section: Any,
    says: str,
) -> None:
    registry = inference_lab.images.registry
    if docker_section == "wrong-settings":
        docker_section = {"registries": {registry.host: registry.credentials("wrong")}}
    elif docker_section == "wrong-config-file":
        config_file = registry.docker_config(tmp_path / "docker", password="wrong")
        docker_section = {"registries": {}, "config_file": str(config_file)}

    inference_id, status, answer = await deploy(
        inference_api,
        inference_lab,
        inference_lab.images.good_v1,
        sections={"docker": docker_section},
        # with no registry configured none would be admitted: these pulls must happen
        allowed_images=[f"{registry.host}/*"],
    )

    assert status == 502, answer
    assert answer["error"] == "registry_unauthorized"
    assert says in answer["message"] and registry.host in answer["message"]
    assert "registry-secret" not in str(answer) and "wrong" not in answer["message"]
    assert inference_lab.containers_of(inference_id) == []


async def test_unknown_image_is_404(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    image = inference_lab.images.registry.ref("clarus-test/nothing-here:1")

    inference_id, status, answer = await deploy(inference_api, inference_lab, image)

    assert status == 404, answer
    assert answer["error"] == "image_not_found" and image in answer["message"]
    assert inference_lab.containers_of(inference_id) == []


async def test_unreachable_registry_is_502(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    registry = f"127.0.0.1:{free_port()}"
    image = f"{registry}/clarus-test/good:1"

    inference_id, status, answer = await deploy(
        inference_api, inference_lab, image, allowed_images=[f"{registry}/*"]
    )

    assert status == 502, answer
    assert answer["error"] == "registry_unreachable"
    assert "connection refused" in answer["message"]
    assert inference_lab.containers_of(inference_id) == []

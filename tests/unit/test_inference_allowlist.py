"""The default allowlist: the registries the configuration names, and nothing else."""

import json
from pathlib import Path

import pytest

from clarus_daemon.config.inference import DockerSettings, InferenceSettings
from clarus_daemon.inference.errors import ImageNotAllowed
from clarus_daemon.inference.image_allowlist import ImageAllowlist
from clarus_daemon.inference.image_ref import ImageRef
from clarus_daemon.inference.spec import BodyKind, DeployRequest


def request(image: str, body: BodyKind = "inference") -> DeployRequest:
    return DeployRequest("svc", ImageRef.parse(image), 8080, 7070, body=body)


def allowlist(tmp_path: Path, **inference: object) -> ImageAllowlist:
    config = tmp_path / "config.json"
    # the kit's file: an empty entry for a plain-HTTP registry
    config.write_text(json.dumps({"auths": {"http://kit.registry:5001": {}}}))
    docker = DockerSettings.model_validate(
        {"config_file": str(config), "registries": {"plant.registry": {"username": "u",
                                                                        "password": "p"}}}
    )  # fmt: skip
    return ImageAllowlist(docker, InferenceSettings.model_validate(inference))


@pytest.mark.parametrize(
    "image",
    [
        "kit.registry:5001/redwine:prod",
        "plant.registry/uc/x:1",
        f"kit.registry:5001/r@sha256:{'a' * 64}",
    ],
)
async def test_configured_registries_are_admitted(tmp_path: Path, image: str) -> None:
    await allowlist(tmp_path).check(request(image))


@pytest.mark.parametrize("image", ["nginx", "evil.example/x:1", "kit.registry:5002/redwine:prod"])
async def test_anything_else_is_refused_with_the_rule_to_add(tmp_path: Path, image: str) -> None:
    with pytest.raises(ImageNotAllowed) as refused:
        await allowlist(tmp_path).check(request(image))
    assert refused.value.details["rule"] in refused.value.message
    assert refused.value.details["registries"] == ["kit.registry:5001", "plant.registry"]


async def test_the_data_space_names_its_own_registry(tmp_path: Path) -> None:
    await allowlist(tmp_path).check(request("dataspace.example/uc:1", body="data_space"))
    with pytest.raises(ImageNotAllowed):
        await allowlist(tmp_path, allow_configured_registries=False).check(
            request("dataspace.example/uc:1", body="data_space")
        )


async def test_rules_add_to_the_registries(tmp_path: Path) -> None:
    checker = allowlist(tmp_path, allowed_images=["nginx:1.*"])
    await checker.check(request("nginx:1.27"))
    await checker.check(request("plant.registry/uc/x:1"))
    with pytest.raises(ImageNotAllowed):
        await checker.check(request("nginx:2"))


def test_no_default_admits_everything() -> None:
    settings = InferenceSettings()
    assert settings.allowed_images == []
    assert settings.host_port_range == (7000, 9999)
    assert "LD_*" in settings.env_denylist and "NODE_OPTIONS" in settings.env_denylist


def test_a_bad_rule_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="whole registry"):
        InferenceSettings.model_validate({"allowed_images": ["registry.plant:5001"]})

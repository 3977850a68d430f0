"""A `docker login` through a credential helper logs the daemon in to a real registry."""

import json
import os
import stat
from pathlib import Path

import pytest

from tests.infra.images import InferenceApi, InferenceLab, fetch
from tests.infra.ports import free_port

pytestmark = pytest.mark.integration

HELPER = """#!/bin/sh
# what `docker-credential-<name> get` does: server address on stdin, JSON on stdout
read server
if [ "$server" = "{host}" ]; then
  printf '{{"ServerURL":"%s","Username":"{username}","Secret":"{password}"}}' "$server"
else
  echo "credentials not found in native keychain"; exit 1
fi
"""


@pytest.mark.parametrize("where", ["credsStore", "credHelpers"])
async def test_pull_with_credentials_from_a_helper(
    inference_api: InferenceApi,
    inference_lab: InferenceLab,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    registry = inference_lab.images.registry
    helper = tmp_path / "bin" / "docker-credential-plant"
    helper.parent.mkdir()
    helper.write_text(
        HELPER.format(host=registry.host, username=registry.username, password=registry.password)
    )
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{helper.parent}{os.pathsep}{os.environ['PATH']}")
    # as `docker login` leaves it with a helper: an empty auths entry, the secret elsewhere
    document: dict[str, object] = {"auths": {registry.host: {}}}
    document.update(
        {"credsStore": "plant"}
        if where == "credsStore"
        else {"credHelpers": {registry.host: "plant"}}
    )
    docker_dir = tmp_path / "docker"
    docker_dir.mkdir()
    (docker_dir / "config.json").write_text(json.dumps(document))
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_dir))  # found as the Docker CLI finds it
    client = await inference_api(sections={"docker": {"registries": {}}})
    inference_id, port = inference_lab.new_id(), free_port()

    response = await client.post(
        "/api/inference/deploy", json=inference_lab.body(inference_id, port)
    )

    assert response.status == 201, await response.json()
    assert fetch(port) == "v1\n"

"""Finding the Docker client config as the CLI does, and asking credential helpers."""

import json
import os
import stat
from pathlib import Path

import pytest

from clarus_daemon.config.inference import DockerSettings
from clarus_daemon.inference.docker_config import config_path, registries_with_auth
from clarus_daemon.inference.registry_auth import registry_auth

HELPER = """#!/bin/sh
# a credential helper as the Docker CLI runs it: `get`, server address on stdin
read server
echo "$server" >> "{log}"
case "$server" in
  reg.plant:5001) echo '{{"ServerURL":"reg.plant:5001","Username":"kit","Secret":"s3"}}' ;;
  https://index.docker.io/v1/) echo '{{"ServerURL":"x","Username":"<token>","Secret":"tok"}}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"""


def _helper(bin_dir: Path, name: str, log: Path) -> None:
    bin_dir.mkdir(exist_ok=True)
    program = bin_dir / f"docker-credential-{name}"
    program.write_text(HELPER.format(log=log))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)


def test_lookup_order_follows_the_docker_cli(tmp_path: Path) -> None:
    explicit = DockerSettings(config_file=tmp_path / "c.json")
    home = {"HOME": str(tmp_path / "home")}
    assert config_path(explicit, {"DOCKER_CONFIG": "/x"}) == tmp_path / "c.json"
    assert config_path(DockerSettings(), {"DOCKER_CONFIG": "/x", **home}) == Path("/x/config.json")
    assert config_path(DockerSettings(), home) == tmp_path / "home/.docker/config.json"


async def test_home_config_is_read_without_any_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docker_dir = tmp_path / ".docker"
    docker_dir.mkdir()
    (docker_dir / "config.json").write_text(
        json.dumps({"auths": {"reg.plant:5001": {"auth": "a2l0OnMz"}}})
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)

    auth = await registry_auth(DockerSettings(), "reg.plant:5001")

    assert auth is not None and dict(auth.credentials) == {"username": "kit", "password": "s3"}
    assert registries_with_auth(DockerSettings()) == ["reg.plant:5001"]


async def test_creds_store_and_cred_helpers_run_the_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = tmp_path / "asked.txt"
    _helper(tmp_path / "bin", "plant", asked)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "auths": {"reg.plant:5001": {}, "other:1": {"auth": "dTpw"}},
                "credsStore": "plant",
                "credHelpers": {"helped.example": "plant"},
            }
        )
    )
    settings = DockerSettings(config_file=config)

    stored = await registry_auth(settings, "reg.plant:5001")
    hub = await registry_auth(settings, "docker.io")
    fallback = await registry_auth(settings, "other:1")
    helped = await registry_auth(settings, "helped.example")

    assert stored is not None and dict(stored.credentials) == {"username": "kit", "password": "s3"}
    assert "docker-credential-plant" in stored.source
    assert hub is not None and dict(hub.credentials) == {"identitytoken": "tok"}
    assert fallback is not None and dict(fallback.credentials) == {"username": "u", "password": "p"}
    assert helped is None
    assert asked.read_text().split() == [
        "reg.plant:5001",
        "https://index.docker.io/v1/",
        "other:1",
        "helped.example",
    ]
    assert registries_with_auth(settings) == ["helped.example", "other:1", "reg.plant:5001"]

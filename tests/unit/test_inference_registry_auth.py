"""Registry credentials from the daemon's settings and from a Docker config.json."""

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from clarus_daemon.config.inference import DockerSettings
from clarus_daemon.inference.registry_auth import registry_auth


def _config(tmp_path: Path, auths: dict[str, Any]) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"auths": auths, "credsStore": "desktop"}))
    return path


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_config_file_auth_entry(tmp_path: Path) -> None:
    path = _config(tmp_path, {"http://reg.plant:5001/v2/": {"auth": _b64("kit:pa:ss")}})
    settings = DockerSettings(config_file=path)

    auth = await registry_auth(settings, "reg.plant:5001")

    assert auth is not None
    assert dict(auth.credentials) == {"username": "kit", "password": "pa:ss"}
    assert str(path) in auth.source


async def test_docker_hub_key_and_plain_fields(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        {
            "https://index.docker.io/v1/": {"username": "hub", "password": "pw"},
            "tokens.example": {"identitytoken": "tok"},
        },
    )
    settings = DockerSettings(config_file=path)

    hub = await registry_auth(settings, "docker.io")
    token = await registry_auth(settings, "tokens.example")

    assert hub is not None and hub.username == "hub"
    assert token is not None and dict(token.credentials) == {"identitytoken": "tok"}


async def test_settings_win_over_the_config_file(tmp_path: Path) -> None:
    path = _config(tmp_path, {"reg.plant:5001": {"auth": _b64("file:x")}})
    settings = DockerSettings.model_validate(
        {
            "config_file": path,
            "registries": {"reg.plant:5001": {"username": "cfg", "password": "y"}},
        }
    )

    auth = await registry_auth(settings, "reg.plant:5001")

    assert auth is not None and auth.username == "cfg" and "settings" in auth.source


async def test_no_entry_bad_entry_or_unreadable_file_mean_no_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    path = _config(tmp_path, {"reg.plant:5001": {"auth": "not base64!"}, "other:1": {}})
    missing = DockerSettings(config_file=tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{")

    assert await registry_auth(DockerSettings(config_file=path), "reg.plant:5001") is None
    assert await registry_auth(DockerSettings(config_file=path), "other:1") is None
    assert await registry_auth(missing, "reg.plant:5001") is None
    assert await registry_auth(DockerSettings(config_file=broken), "reg.plant:5001") is None
    assert await registry_auth(DockerSettings(), "reg.plant:5001") is None

"""The old kit's files as a pilot has them: .env, config.json and docker-compose.yml."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from dotenv import dotenv_values

from clarus_daemon.config.errors import ConfigError
from clarus_daemon.inference.docker_config import DockerClientConfig, read_config

AGENT_PORT = 8081
DRIFT_PORT = 5000
DOCKER_CONFIG_MOUNT = "/root/.docker/config.json"


@dataclass(frozen=True)
class KitCompose:
    agent_port: int | None = None
    """Host port the node agent's 8081 was published on."""
    drift_port: int | None = None
    """Host port the drift detector's 5000 was published on."""
    networks: list[str] = field(default_factory=list)
    agent_environment: dict[str, str] = field(default_factory=dict)
    container_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Kit:
    env_path: Path
    env: dict[str, str]
    docker_config: DockerClientConfig | None
    compose: KitCompose | None


def read_env(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _published(ports: list[Any], target: int) -> int | None:
    for entry in ports:
        text = (
            str(entry.get("published", "")) + ":" + str(entry.get("target", ""))
            if isinstance(entry, dict)
            else str(entry)
        )
        host, _, container = text.rpartition(":")
        if container.split("/")[0] == str(target):
            port = host.rpartition(":")[2]
            return int(port) if port.isdigit() else None
    return None


def _environment(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v is not None}
    pairs = (str(item).partition("=") for item in value or [])
    return {name: text for name, sep, text in pairs if sep}


def read_compose(path: Path) -> KitCompose:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{path}: cannot be read as a compose file ({err})") from err
    services = (document or {}).get("services") or {}
    agent_port = drift_port = None
    environment: dict[str, str] = {}
    names = []
    networks: set[str] = set()
    for name, declared in services.items():
        service = declared or {}
        names.append(str(service.get("container_name", name)))
        networks.update(service.get("networks") or [])
        ports = service.get("ports") or []
        if (found := _published(ports, AGENT_PORT)) is not None:
            agent_port = found
            environment = _environment(service.get("environment"))
        if (found := _published(ports, DRIFT_PORT)) is not None:
            drift_port = found
    return KitCompose(agent_port, drift_port, sorted(networks), environment, names)


def read_kit(env: Path, docker_config: Path | None, compose: Path | None) -> Kit:
    return Kit(
        env_path=env,
        env=read_env(env),
        docker_config=read_config(docker_config) if docker_config else None,
        compose=read_compose(compose) if compose else None,
    )

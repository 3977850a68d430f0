"""The Docker client's config.json, found and read as the Docker CLI does.

The old node agent (docker-py) read the `config.json` the kit mounted at
/root/.docker/config.json, and an edge box that ran `docker login` has one in the
home directory: the same lookup keeps both working. Credentials come from a
`credHelpers` entry, else the `credsStore`, else the `auths` entry; helpers are the
`docker-credential-<name>` programs the CLI itself runs.
"""

import json
import logging
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clarus_daemon.config.inference import DockerSettings
from clarus_daemon.inference.image_ref import DOCKER_HUB, normalize_registry

log = logging.getLogger("clarus_daemon.inference")

HUB_SERVER = "https://index.docker.io/v1/"
"""The server address the Docker CLI uses for Docker Hub in config.json and with helpers."""
HELPER_TIMEOUT_S = 20.0
HELPER_TOKEN_USER = "<token>"
"""A helper's username meaning that the secret is an identity token."""


@dataclass(frozen=True)
class DockerClientConfig:
    path: Path
    auths: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    """Registry (normalised) -> its `auths` entry, possibly empty."""
    creds_store: str | None = None
    cred_helpers: dict[str, str] = field(default_factory=dict)
    """Registry (normalised) -> helper name."""

    def helper_for(self, registry: str) -> str | None:
        return self.cred_helpers.get(registry) or self.creds_store

    @property
    def registries(self) -> list[str]:
        return sorted({*self.auths, *self.cred_helpers})


def config_path(settings: DockerSettings, environ: Mapping[str, str] | None = None) -> Path:
    """docker.config_file, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json."""
    if settings.config_file is not None:
        return settings.config_file
    environ = os.environ if environ is None else environ
    if environ.get("DOCKER_CONFIG"):
        return Path(environ["DOCKER_CONFIG"]) / "config.json"
    home = environ.get("HOME")
    return (Path(home) if home else Path.home()) / ".docker" / "config.json"


def _by_registry(entries: object) -> dict[str, Any]:
    if not isinstance(entries, dict):
        return {}
    return {normalize_registry(str(address)): value for address, value in entries.items()}


def read_config(path: Path) -> DockerClientConfig | None:
    """The parsed file; None when it is absent or unusable (logged, never fatal)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        log.warning("docker config file %s is unusable: %s", path, err)
        return None
    if not isinstance(document, dict):
        log.warning("docker config file %s is not a JSON object", path)
        return None
    auths: dict[str, Mapping[str, Any]] = {
        k: v for k, v in _by_registry(document.get("auths")).items() if isinstance(v, dict)
    }
    helpers = {k: str(v) for k, v in _by_registry(document.get("credHelpers")).items() if v}
    store = document.get("credsStore")
    return DockerClientConfig(path, auths, str(store) if store else None, helpers)


def registries_with_auth(
    settings: DockerSettings, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Registries the configuration names a login for: docker.registries and config.json."""
    found = read_config(config_path(settings, environ))
    named = {normalize_registry(address) for address in settings.registries}
    return sorted(named | set(found.registries if found else []))


def server_address(registry: str) -> str:
    return HUB_SERVER if registry == DOCKER_HUB else registry


def run_helper(helper: str, registry: str) -> dict[str, str] | None:
    """Ask `docker-credential-<helper> get`, as the CLI does; None when it has nothing."""
    program = f"docker-credential-{helper}"
    try:
        done = subprocess.run(
            [program, "get"],
            input=server_address(registry),
            capture_output=True,
            text=True,
            timeout=HELPER_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        log.warning("credential helper %s for %s failed: %s", program, registry, err)
        return None
    if done.returncode != 0:
        # "credentials not found in native keychain" is the helpers' ordinary "no"
        log.info("credential helper %s has nothing for %s: %s", program, registry, done.stdout)
        return None
    try:
        answer = json.loads(done.stdout)
        username, secret = str(answer["Username"]), str(answer["Secret"])
    except (ValueError, KeyError, TypeError):
        log.warning("credential helper %s answered something that is not credentials", program)
        return None
    if username == HELPER_TOKEN_USER:
        return {"identitytoken": secret}
    return {"username": username, "password": secret}

"""Registry credentials: the daemon's own settings first, then the Docker client config.

The old kit mounted the host's config.json where docker-py looked for it; the same
file, found the same way, keeps working (see docker_config).
"""

import asyncio
import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clarus_daemon.config.inference import DockerSettings
from clarus_daemon.inference.docker_config import (
    config_path,
    read_config,
    registries_with_auth,
    run_helper,
)
from clarus_daemon.inference.image_ref import normalize_registry


@dataclass(frozen=True)
class RegistryAuth:
    registry: str
    source: str
    """Where the credentials came from, for logs and errors (never the secret)."""
    credentials: Mapping[str, str]
    """X-Registry-Auth content: username + password, or an identity token."""

    @property
    def username(self) -> str | None:
        return self.credentials.get("username")


def _decode_entry(entry: Mapping[str, Any]) -> dict[str, str] | None:
    if entry.get("identitytoken"):
        return {"identitytoken": str(entry["identitytoken"])}
    if entry.get("username") and entry.get("password") is not None:
        return {"username": str(entry["username"]), "password": str(entry["password"])}
    encoded = entry.get("auth")
    if not encoded:
        return None
    try:
        username, sep, password = base64.b64decode(str(encoded)).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return {"username": username, "password": password} if sep else None


def _from_client_config(settings: DockerSettings, registry: str) -> RegistryAuth | None:
    path = config_path(settings)
    found = read_config(path)
    if found is None:
        return None
    helper = found.helper_for(registry)
    if helper is not None:
        credentials = run_helper(helper, registry)
        if credentials:
            source = f"credential helper docker-credential-{helper}"
            return RegistryAuth(registry, source, credentials)
    entry = found.auths.get(registry)
    credentials = _decode_entry(entry) if entry is not None else None
    if credentials:
        return RegistryAuth(registry, f"docker config file {path}", credentials)
    return None


async def configured_registries(settings: DockerSettings) -> set[str]:
    """Registries the configuration names: docker.registries and the config file's `auths`
    (an empty entry too: the kit lists its plain-HTTP registry that way)."""
    return set(await asyncio.to_thread(registries_with_auth, settings))


async def registry_auth(settings: DockerSettings, registry: str) -> RegistryAuth | None:
    """Credentials for `registry` (host[:port] or docker.io); None when none are configured."""
    for address, creds in settings.registries.items():
        if normalize_registry(address) == registry:
            secret = {"username": creds.username, "password": creds.password.get_secret_value()}
            return RegistryAuth(registry, "settings (docker.registries)", secret)
    # read on every pull: a `docker login` on the host takes effect without a restart
    return await asyncio.to_thread(_from_client_config, settings, registry)

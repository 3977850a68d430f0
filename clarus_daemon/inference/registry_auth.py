"""Registry credentials: the daemon's own settings first, then a Docker config.json.

The old kit mounted the host's config.json (`docker login` writes its `auths`:
base64 "user:password"), so the same file keeps working. Credential helpers
(credsStore) are not consulted: they run host binaries.
"""

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clarus_daemon.config.inference import DockerSettings
from clarus_daemon.inference.image_ref import normalize_registry

log = logging.getLogger("clarus_daemon.inference")


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


def _config_auths(path: Path) -> dict[str, Any]:
    """The file's `auths`, keyed by normalized registry; an entry may hold no credentials."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("docker config file %s is unusable: %s", path, err)
        return {}
    auths = document.get("auths") if isinstance(document, dict) else None
    if not isinstance(auths, dict):
        return {}
    return {normalize_registry(str(address)): entry for address, entry in auths.items()}


def _read_auths(path: Path) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for registry, entry in _config_auths(path).items():
        credentials = _decode_entry(entry) if isinstance(entry, dict) else None
        if credentials:
            found[registry] = credentials
    return found


async def configured_registries(settings: DockerSettings) -> set[str]:
    """Registries the configuration names: docker.registries and the config file's `auths`
    (an empty entry too: the kit lists its plain-HTTP registry that way)."""
    named = {normalize_registry(address) for address in settings.registries}
    if settings.config_file is not None:
        named |= set(await asyncio.to_thread(_config_auths, settings.config_file))
    return named


async def registry_auth(settings: DockerSettings, registry: str) -> RegistryAuth | None:
    """Credentials for `registry` (host[:port] or docker.io); None when none are configured."""
    for address, creds in settings.registries.items():
        if normalize_registry(address) == registry:
            secret = {"username": creds.username, "password": creds.password.get_secret_value()}
            return RegistryAuth(registry, "settings (docker.registries)", secret)
    if settings.config_file is None:
        return None
    # read on every pull: a `docker login` on the host takes effect without a restart
    auths = await asyncio.to_thread(_read_auths, settings.config_file)
    if registry in auths:
        return RegistryAuth(registry, f"docker config file {settings.config_file}", auths[registry])
    return None

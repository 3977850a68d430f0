"""Why a pull failed, in words a caller can act on.

The engine answers a failed pull with a status (404 for an unknown manifest) or
only a message (500 for credentials, connections and TLS); both are read here.
"""

import aiodocker

from clarus_daemon.errors import DaemonError, InvalidRequest, UpstreamError
from clarus_daemon.inference.engine_errors import engine_error, engine_unreachable
from clarus_daemon.inference.errors import (
    REGISTRY,
    ImageNotFound,
    RegistryUnauthorized,
    RegistryUnreachable,
)
from clarus_daemon.inference.image_ref import ImageRef
from clarus_daemon.inference.registry_auth import RegistryAuth

UNAUTHORIZED_HINTS = (
    "unauthorized",
    "authentication required",
    "no basic auth credentials",
    "denied",
    "forbidden",
)
UNREACHABLE_HINTS = (
    "dial tcp",
    "connection refused",
    "no such host",
    "i/o timeout",
    "timeout",
    "tls",
    "certificate",
    "server gave http response to https client",
    "eof",
    "network is unreachable",
)
NOT_FOUND_HINTS = ("manifest unknown", "not found")


def _credentials_note(auth: RegistryAuth | None, registry: str) -> str:
    if auth is None:
        return f"no credentials are configured for {registry}"
    return f"credentials for {auth.username or 'a token'} from {auth.source} were used"


def pull_error(err: aiodocker.DockerError, ref: ImageRef, auth: RegistryAuth | None) -> DaemonError:
    if engine_unreachable(err):
        return engine_error(err, f"pulling {ref.raw}")
    text = err.message.lower()
    details = {"image": ref.raw, "registry": ref.registry, "reason": err.message}
    if err.status == 400:
        return InvalidRequest(
            f"docker_img_uri: {ref.raw!r} is not a valid image reference: {err.message}",
            details={"fields": {"docker_img_uri": [err.message]}},
        )
    if err.status == 404 or any(hint in text for hint in NOT_FOUND_HINTS):
        return ImageNotFound(f"Image {ref.raw} was not found in {ref.registry}", details=details)
    if any(hint in text for hint in UNAUTHORIZED_HINTS):
        note = _credentials_note(auth, ref.registry)
        return RegistryUnauthorized(
            f"Registry {ref.registry} refused to serve {ref.raw} ({note}): {err.message}",
            details={**details, "credentials": auth.source if auth else None},
        )
    if any(hint in text for hint in UNREACHABLE_HINTS):
        return RegistryUnreachable(
            f"Registry {ref.registry} is unreachable: {err.message}", details=details
        )
    return UpstreamError(REGISTRY, f"Pulling {ref.raw} failed: {err.message}", details=details)

"""Failures of inference deployments, each mapped to the status a client acts on."""

from collections.abc import Mapping
from typing import Any

from clarus_daemon.errors import Conflict, Forbidden, NotFound, UpstreamError

REGISTRY = "registry"
ENGINE = "docker"


class ImageNotFound(NotFound):
    code = "image_not_found"


class ImageNotAllowed(Forbidden):
    code = "image_not_allowed"


class PortNotAllowed(Forbidden):
    code = "port_not_allowed"


class LimitNotAllowed(Forbidden):
    code = "limit_not_allowed"


class NameInUse(Conflict):
    code = "name_in_use"


class PortInUse(Conflict):
    code = "port_in_use"


class RegistryUnauthorized(UpstreamError):
    """The registry refused the daemon's credentials (or it had none): an operator's fix."""

    code = "registry_unauthorized"

    def __init__(self, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(REGISTRY, message, details=details)


class RegistryUnreachable(UpstreamError):
    code = "registry_unreachable"

    def __init__(self, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(REGISTRY, message, details=details)


class ContainerNotReady(UpstreamError):
    """The new container did not come up; details carry its log tail and the rollback."""

    code = "container_not_ready"

    def __init__(self, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(ENGINE, message, details=details)

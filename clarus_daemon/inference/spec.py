"""What a deploy asks for, and the service it resolves to once the image is known."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from clarus_daemon.config.inference import InferenceSettings
from clarus_daemon.errors import InvalidRequest
from clarus_daemon.inference import labels
from clarus_daemon.inference.image_ref import ImageRef
from clarus_daemon.inference.pull import PulledImage

BodyKind = Literal["inference", "experiment", "data_space"]
"""Which body it came in: {inference_id, docker_img_uri, ...}, {exp_id, docker_img}, v3."""


@dataclass(frozen=True)
class Limits:
    """What a container runs with."""

    memory_mb: int
    cpus: float
    pids: int


@dataclass(frozen=True)
class ResourceLimits:
    """What a deploy asked for; None: the configured default."""

    memory_mb: int | None = None
    cpus: float | None = None
    pids: int | None = None

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> "ResourceLimits":
        data = data or {}
        return cls(data.get("memory_mb"), data.get("cpus"), data.get("pids"))

    def resolved(self, settings: InferenceSettings) -> Limits:
        return Limits(
            self.memory_mb or settings.memory_limit_mb,
            self.cpus or settings.cpus,
            self.pids or settings.pids_limit,
        )


@dataclass(frozen=True)
class DeployRequest:
    inference_id: str
    image: ImageRef
    container_port: int | None
    """None: the image's single exposed port (the old {exp_id, docker_img} body)."""
    host_port: int | None
    """None: the configured legacy host port, else the container port."""
    env: Mapping[str, str] = field(default_factory=dict)
    body: BodyKind = "inference"
    exp_id: str | None = None
    provider: str | None = None
    """The data-space connector the image metadata came from."""
    limits: ResourceLimits = field(default_factory=ResourceLimits)

    def record(self) -> dict[str, Any]:
        """The request as a label keeps it: environment names only, values stay in Env."""
        return {
            "body": self.body,
            "inference_id": self.inference_id,
            "exp_id": self.exp_id,
            "image": self.image.raw,
            "container_port": self.container_port,
            "host_port": self.host_port,
            "env": sorted(self.env),
            "provider": self.provider,
            "limits": {k: v for k, v in vars(self.limits).items() if v is not None},
        }


def _single_exposed_port(request: DeployRequest, image: PulledImage) -> int:
    if len(image.exposed_ports) == 1:
        return image.exposed_ports[0]
    found = ", ".join(map(str, image.exposed_ports)) or "none"
    raise InvalidRequest(
        f"Image {image.ref.raw} must expose exactly one TCP port to be deployed from "
        f"{{exp_id, docker_img}} (it exposes {found}); use the body with inference_rest_api_port",
        details={"image": image.ref.raw, "exposed_ports": list(image.exposed_ports)},
    )


@dataclass(frozen=True)
class ServiceSpec:
    request: DeployRequest
    image: PulledImage
    container_port: int
    host_port: int
    host_ip: str
    settings: InferenceSettings
    limits: Limits

    @classmethod
    def resolve(
        cls, request: DeployRequest, image: PulledImage, settings: InferenceSettings
    ) -> "ServiceSpec":
        container_port = request.container_port or _single_exposed_port(request, image)
        host_port = request.host_port
        if host_port is None:
            legacy = settings.legacy_host_ports.get(request.inference_id)
            host_port = legacy or container_port
        limits = request.limits.resolved(settings)
        return cls(request, image, container_port, host_port, settings.host_ip, settings, limits)

    @property
    def inference_id(self) -> str:
        return self.request.inference_id

    def fingerprint(self) -> str:
        """Equal for two deploys that would run the same container the same way."""
        s = self.settings
        facts = {
            "image_id": self.image.id,
            "ports": [self.container_port, self.host_ip, self.host_port],
            "env": dict(sorted(self.request.env.items())),
            "runtime": [s.network, s.models_volume, s.models_mount],
            "limits": [self.limits.memory_mb, self.limits.cpus, self.limits.pids],
        }
        canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def labels(self) -> dict[str, str]:
        """Every clarus.* label the daemon reads, so none is inherited from the image."""
        request = self.request
        return {
            **labels.blank_labels(),
            labels.MANAGED: "true",
            labels.INFERENCE_ID: self.inference_id,
            labels.IMAGE: self.image.ref.raw,
            labels.IMAGE_ID: self.image.id,
            labels.IMAGE_DIGEST: self.image.digest or "",
            labels.HOST_IP: self.host_ip,
            labels.HOST_PORT: str(self.host_port),
            labels.CONTAINER_PORT: str(self.container_port),
            labels.SPEC_HASH: self.fingerprint(),
            labels.REQUEST: json.dumps(request.record(), sort_keys=True),
            labels.SOURCE: "data_space" if request.body == "data_space" else "registry",
            labels.DEPLOYED_AT: datetime.now(UTC).isoformat(timespec="seconds"),
            labels.EXP_ID: request.exp_id or "",
            labels.PROVIDER: request.provider or "",
        }

"""Services as the API shows them: read back from the labels of their containers."""

from dataclasses import dataclass
from typing import Any, Literal

from clarus_daemon.inference import labels
from clarus_daemon.inference.containers import ContainerSummary

Outcome = Literal["created", "replaced", "unchanged"]


def docker_health(status: str) -> str | None:
    """The verdict of the image's own HEALTHCHECK, when it has one."""
    for marker, verdict in (
        ("(healthy)", "healthy"),
        ("(unhealthy)", "unhealthy"),
        ("(health: starting)", "starting"),
    ):
        if marker in status:
            return verdict
    return None


@dataclass(frozen=True)
class ServiceView:
    container: ContainerSummary
    health: str
    """healthy/unhealthy/starting (HEALTHCHECK), else reachable/unreachable, or down."""

    def as_dict(self) -> dict[str, Any]:
        c, found = self.container, self.container.labels
        return {
            "inference_id": c.inference_id,
            "image": found.get(labels.IMAGE),
            "image_digest": found.get(labels.IMAGE_DIGEST) or None,
            "image_id": found.get(labels.IMAGE_ID),
            "host_ip": found.get(labels.HOST_IP),
            "host_port": labels.int_label(found, labels.HOST_PORT),
            "container_port": labels.int_label(found, labels.CONTAINER_PORT),
            "container_id": c.id,
            "container_name": c.name,
            "state": c.state,
            "health": self.health,
            "created": c.created.isoformat(),
            "source": found.get(labels.SOURCE),
            "exp_id": found.get(labels.EXP_ID) or None,
            "provider": found.get(labels.PROVIDER) or None,
            "pending": c.is_candidate,
        }


@dataclass(frozen=True)
class DeployResult:
    outcome: Outcome
    service: ServiceView
    replaced: ContainerSummary | None = None

    @property
    def created(self) -> bool:
        return self.outcome != "unchanged"

    def as_dict(self) -> dict[str, Any]:
        answer = self.service.as_dict()
        where = f"{answer['host_ip']}:{answer['host_port']}"
        verb = {"created": "deployed", "replaced": "replaced", "unchanged": "already running"}
        answer = {
            "message": f"Inference service {answer['inference_id']} {verb[self.outcome]} "
            f"on {where}",
            "outcome": self.outcome,
            **answer,
        }
        old = self.replaced
        answer["replaced"] = (
            None
            if old is None
            else {
                "container_id": old.id,
                "image": old.labels.get(labels.IMAGE),
                "image_digest": old.labels.get(labels.IMAGE_DIGEST) or None,
            }
        )
        return answer

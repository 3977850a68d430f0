"""Containers the old node agent started, taken over without a restart.

Labels cannot be added to a running container, so an adoption is a record in the
daemon's state directory (container id -> what its labels would have said). When
the engine lists containers, an adopted one is shown with those labels and counts as
the daemon's (see ownership), so listing, removal and replacement with rollback treat
it like any container the daemon made.
A record whose container is gone is simply never matched again.
"""

import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clarus_daemon.inference import labels

if TYPE_CHECKING:  # containers -> ownership -> adoption: only the annotation needs it
    from clarus_daemon.inference.containers import ContainerSummary

log = logging.getLogger("clarus_daemon.inference")

RECORDS_FILE = "adopted-containers.json"
KIT_SERVICES = frozenset({"clarus_node_agent", "clarus_drift_detector", "data_drift_detector"})
"""The old kit's own containers: never inference services."""
COMPOSE_PROJECT = "com.docker.compose.project"
"""Compose-made containers are services of a project, not containers the old agent ran."""


@dataclass(frozen=True)
class Adoptions:
    """The adoption records of one daemon, kept in `state_dir`."""

    state_dir: Path

    @property
    def path(self) -> Path:
        return self.state_dir / RECORDS_FILE

    def records(self) -> dict[str, dict[str, str]]:
        """container id -> the labels it is shown with; empty when nothing was adopted."""
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            log.error("adoption records %s are unreadable (%s): adopted containers hidden",
                      self.path, err)  # fmt: skip
            return {}
        return {str(k): dict(v) for k, v in document.items() if isinstance(v, dict)}

    def save(
        self, container_id: str, shown_labels: Mapping[str, str], live_ids: Iterable[str]
    ) -> None:
        """Record one adoption; records of containers no longer in `live_ids` go."""
        live = set(live_ids)
        found = {k: v for k, v in self.records().items() if k in live}
        found[container_id] = dict(shown_labels)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        # write-then-rename: a crash never leaves half a file that hides every adoption
        with tempfile.NamedTemporaryFile(
            "w", dir=self.state_dir, prefix=".adopted-", delete=False, encoding="utf-8"
        ) as handle:
            json.dump(found, handle, indent=2, sort_keys=True)
        os.replace(handle.name, self.path)


def adoption_labels(info: Mapping[str, Any]) -> dict[str, str]:
    """What an adopted container's labels would say, from its inspection."""
    name = str(info.get("Name", "")).lstrip("/")
    shown = {
        labels.INFERENCE_ID: name,
        labels.IMAGE: str((info.get("Config") or {}).get("Image", "")),
        labels.IMAGE_ID: str(info.get("Image", "")),
        labels.SOURCE: "adopted",
        labels.DEPLOYED_AT: datetime.now(UTC).isoformat(),
    }
    bindings = (info.get("HostConfig") or {}).get("PortBindings") or {}
    for container_port, hosts in sorted(bindings.items()):
        port, _, proto = container_port.partition("/")
        host = next((h for h in hosts or [] if str(h.get("HostPort", "")).isdigit()), None)
        if host is not None and proto in ("tcp", ""):
            shown[labels.CONTAINER_PORT] = port
            shown[labels.HOST_PORT] = str(host["HostPort"])
            shown[labels.HOST_IP] = str(host.get("HostIp") or "0.0.0.0")
            break
    return shown


def looks_like_old_service(container: "ContainerSummary") -> bool:
    """An unmanaged container that publishes a port and is not a compose service or the kit."""
    return (
        not container.managed
        and bool(container.published_ports)
        and container.name not in KIT_SERVICES
        and COMPOSE_PROJECT not in container.labels
    )

"""Whether a container is this daemon's: the one place that decides it.

An image's labels are inherited by its containers, so `clarus.managed=true` or any
other label an image can preset proves nothing. A container is this daemon's when it
carries the instance id kept in the state directory (random, never shown by the API),
or when it is adopted: a container of an earlier version (no instance label) whose id
this daemon's history records as deployed by it, or a container the old node agent
started that an operator adopted (a record in the state directory, see adoption).
"""

import logging
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from clarus_daemon.inference import labels
from clarus_daemon.inference.adoption import Adoptions

log = logging.getLogger("clarus_daemon.inference")

INSTANCE_FILE = "instance-id"


def _create_instance_id(path: Path) -> str:
    instance_id = secrets.token_hex(16)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()  # another process of this daemon made it first
    with os.fdopen(fd, "w") as file:
        file.write(f"{instance_id}\n")
    log.info("this daemon's instance id is kept in %s", path)
    return instance_id


def instance_id(state_dir: Path) -> str:
    """The id kept in the state directory, created on first start."""
    path = state_dir / INSTANCE_FILE
    try:
        found = path.read_text().strip()
    except FileNotFoundError:
        return _create_instance_id(path)
    if not found:
        raise ValueError(f"{path} is empty: remove it to let the daemon make a new one")
    return found


class Ownership:
    def __init__(
        self, instance: str, adopted: Iterable[str] = (), adoptions: Adoptions | None = None
    ) -> None:
        self.instance_id = instance
        self._adopted = set(adopted)
        self.adoptions = adoptions

    @classmethod
    def of_state_dir(cls, state_dir: Path) -> "Ownership":
        try:
            return cls(instance_id(state_dir), adoptions=Adoptions(state_dir))
        except (OSError, ValueError) as err:
            # as the history does: keep working, but what is deployed now will not be
            # recognised after a restart
            log.error(
                "no instance id can be kept in %s (%s): using one for this run", state_dir, err
            )
            return cls(secrets.token_hex(16), adoptions=Adoptions(state_dir))

    def adoption_records(self) -> dict[str, dict[str, str]]:
        """Adopted container id -> the labels it is shown with (a file read: off the loop)."""
        return self.adoptions.records() if self.adoptions else {}

    def adopt(self, container_ids: Iterable[str]) -> None:
        self._adopted.update(container_ids)

    def owns(self, container_id: str, found: Mapping[str, str] | None) -> bool:
        if found is None or found.get(labels.MANAGED) != "true":
            return False
        if found.get(labels.INSTANCE) == self.instance_id:
            return True
        return labels.INSTANCE not in found and container_id in self._adopted

    @staticmethod
    def is_legacy(found: Mapping[str, str] | None) -> bool:
        """Labelled by a version of the daemon that had no instance id."""
        return (
            found is not None
            and found.get(labels.MANAGED) == "true"
            and (labels.INSTANCE not in found)
        )

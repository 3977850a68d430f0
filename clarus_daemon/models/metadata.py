"""What a version directory holds and where it came from, kept next to its files.

The metadata file is written last, inside the staging directory, so a version
directory that has one was downloaded completely.
"""

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clarus_daemon.models.download import FileRecord

METADATA_FILE = ".clarus-model.json"


@dataclass(frozen=True)
class ModelMetadata:
    exp_id: str
    model: str
    version: str
    run_id: str | None
    source_uri: str
    stage: str | None
    aliases: list[str]
    files: list[FileRecord]
    fetched_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "bytes": self.bytes}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ModelMetadata":
        files = [FileRecord(**f) for f in data.pop("files")]
        data.pop("bytes", None)
        return cls(**data, files=files)


def write_metadata(version_dir: Path, metadata: ModelMetadata) -> None:
    path = version_dir / METADATA_FILE
    temporary = path.with_name(f"{METADATA_FILE}.tmp")
    with temporary.open("w") as out:
        json.dump(metadata.to_json(), out, indent=2)
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(path)


def read_metadata(version_dir: Path) -> ModelMetadata | None:
    """The metadata, or None when missing or unreadable (an incomplete directory)."""
    try:
        return ModelMetadata.from_json(json.loads((version_dir / METADATA_FILE).read_text()))
    except (OSError, ValueError, TypeError, KeyError):
        return None

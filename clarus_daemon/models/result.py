"""What a fetch did, as the API answers it and as its event records it."""

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from clarus_daemon.models.metadata import ModelMetadata


@dataclass(frozen=True)
class FetchResult:
    metadata: ModelMetadata
    path: Path
    skipped: bool
    """The version was already on the volume: nothing was downloaded."""
    switched: bool
    """`current` moved to this version."""
    pruned: list[str]
    restarted: list[str] | None = None
    """Inference containers restarted; None when restarting is off or nothing switched."""
    restart_error: str | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON answer (a `message` as the old agent gave, then the facts)."""
        metadata = self.metadata
        done = "already present" if self.skipped else "downloaded"
        return {
            "message": f"Model {metadata.model} version {metadata.version} for "
            f"{metadata.exp_id} {done} in {self.path}",
            "exp_id": metadata.exp_id,
            "model": metadata.model,
            "version": metadata.version,
            "run_id": metadata.run_id,
            "path": str(self.path),
            "files": [asdict(f) for f in metadata.files],
            "bytes": metadata.bytes,
            "skipped": self.skipped,
            "switched": self.switched,
            "pruned": self.pruned,
            "restarted": self.restarted,
            "restart_error": self.restart_error,
        }

    def event_details(self) -> dict[str, Any]:
        metadata = self.metadata
        return {
            "model": metadata.model,
            "version": metadata.version,
            "run_id": metadata.run_id,
            "bytes": metadata.bytes,
            "files": len(metadata.files),
            "skipped": self.skipped,
            "switched": self.switched,
            "pruned": self.pruned,
            "restarted": self.restarted,
        }

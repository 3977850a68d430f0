"""Summaries of references, on disk in the state directory, keyed by the object's ETag.

A scheduled check against an unchanged reference then reads and processes only
the new data. The daemon's process names the file and keeps the directory within
its size (least recently used files go first); the worker reads and writes the
files. Entries are pickles the daemon wrote itself into its private state
directory; a file that cannot be read is a miss, never an error.
"""

import asyncio
import hashlib
import json
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from clarus_daemon.drift.engine.methods import by_evidently
from clarus_daemon.drift.errors import ReferenceNotCached
from clarus_daemon.drift.results import DetectOptions

if TYPE_CHECKING:
    from clarus_daemon.drift.engine.compare import ReferenceSummary

log = logging.getLogger("clarus_daemon.drift.cache")

FORMAT = 1
"""Changes whenever what a summary holds changes: old files are then never read."""
SUFFIX = ".summary"


def settings_key(options: DetectOptions) -> dict[str, object]:
    """What a summary depends on besides the reference's bytes."""
    return {
        "separator": options.separator,
        "ignore_columns": sorted(options.ignore_columns),
        "categorical_columns": sorted(options.categorical_columns),
        "by_evidently": sorted(c for c in options.column_methods if by_evidently(c, options)),
    }


class ReferenceCache:
    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes

    def path_for(self, bucket: str, key: str, etag: str, options: DetectOptions) -> Path:
        identity = json.dumps([FORMAT, bucket, key, etag, settings_key(options)])
        return self.directory / (hashlib.sha256(identity.encode()).hexdigest() + SUFFIX)

    async def has(self, path: Path) -> bool:
        return await asyncio.to_thread(path.is_file)

    async def trim(self) -> None:
        await asyncio.to_thread(self._trim)

    def _trim(self) -> None:
        try:
            entries = [(entry.stat(), entry) for entry in self.directory.glob(f"*{SUFFIX}")]
        except OSError as err:
            log.warning("cannot list the reference cache %s: %s", self.directory, err)
            return
        total = sum(stat.st_size for stat, _ in entries)
        for stat, entry in sorted(entries, key=lambda pair: pair[0].st_mtime):
            if total <= self.max_bytes:
                break
            entry.unlink(missing_ok=True)
            total -= stat.st_size


def open_cache(directory: Path, max_mb: int) -> ReferenceCache | None:
    """The cache, or None when disabled (0 MB) or its directory cannot be made."""
    if max_mb <= 0:
        return None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        log.warning("reference cache disabled: cannot create %s: %s", directory, err)
        return None
    return ReferenceCache(directory, max_mb * 1024 * 1024)


def load(path: Path) -> "ReferenceSummary":
    """Worker side: the summary at `path` (now most recently used); ReferenceNotCached."""
    try:
        with path.open("rb") as file:
            summary: ReferenceSummary = pickle.load(file)
        os.utime(path)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as err:
        raise ReferenceNotCached(f"cached reference {path.name} unreadable: {err}") from err
    return summary


def store(path: Path, summary: "ReferenceSummary") -> None:
    """Worker side: write atomically; a failure only costs the next check a full read."""
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as file:
            pickle.dump(summary, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, path)
    except OSError as err:
        log.warning("cannot cache the reference summary in %s: %s", path.parent, err)

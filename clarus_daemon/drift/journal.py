"""The record of a drift run between its decision and its last step.

Kept in MinIO next to the reports, so it survives a restart of the daemon. A run
writes it before its first step and marks each step done; the last step deletes
it. A check that finds one resumes that run instead of starting a new one.
"""

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from clarus_daemon.drift.storage import DatasetStore
from clarus_daemon.errors import DaemonError

log = logging.getLogger("clarus_daemon.drift.journal")


@dataclass
class Journal:
    run_id: str
    trigger: str
    started_at: str
    reference_etag: str
    new_data_etag: str
    verdict: dict[str, Any]
    """Verdict.as_dict() of the run's detection, for answering after a resume."""
    done: list[str] = field(default_factory=list)
    """Steps finished, skipped ones included: a resumed run starts after them."""
    skipped: dict[str, str] = field(default_factory=dict)
    dag_run_id: str | None = None

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), indent=1).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Journal":
        return cls(**json.loads(data))


class JournalStore:
    def __init__(self, store: DatasetStore, bucket: str, key: str) -> None:
        self._store = store
        self.bucket = bucket
        self.key = key

    async def load(self) -> Journal | None:
        if await self._store.head_or_none(self.bucket, self.key) is None:
            return None
        data = await self._store.read(self.bucket, self.key)
        try:
            return Journal.from_bytes(data)
        except (ValueError, TypeError) as err:
            # unreadable means no run can be resumed from it; a fresh check decides anew
            log.warning("ignoring unreadable drift journal %s/%s: %s", self.bucket, self.key, err)
            return None

    async def save(self, journal: Journal) -> None:
        await self._store.put(self.bucket, self.key, journal.to_bytes(), "application/json")

    async def delete(self) -> None:
        await self._store.remove(self.bucket, self.key)

    async def discard(self) -> None:
        """Delete, tolerating failure: the next check drops a journal whose run is
        complete, or whose data changed, on its own."""
        try:
            await self.delete()
        except DaemonError as err:
            log.warning("drift journal %s/%s not deleted: %s", self.bucket, self.key, err)

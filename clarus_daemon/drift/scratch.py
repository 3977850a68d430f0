"""A run's private copies of its datasets, kept until its steps are done.

The new data is always downloaded; the reference only when its cached summary
cannot serve the check, or when the report needs it.
"""

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from clarus_daemon.drift.errors import ScratchSpaceError
from clarus_daemon.drift.storage import DatasetStore, ObjectHead


@dataclass
class RunFiles:
    workdir: Path
    heads: tuple[ObjectHead, ObjectHead]
    """(reference, new data) as checked."""
    reference_downloaded: bool = False

    @property
    def reference(self) -> Path:
        return self.workdir / "reference"

    @property
    def new_data(self) -> Path:
        return self.workdir / "new_data"

    @property
    def labels(self) -> tuple[str, str]:
        """bucket/key of each: error messages name them, and '.parquet' picks the reader."""
        return (
            f"{self.heads[0].bucket}/{self.heads[0].key}",
            f"{self.heads[1].bucket}/{self.heads[1].key}",
        )

    async def download_reference(self, store: DatasetStore) -> Path:
        if not self.reference_downloaded:
            await store.download(self.heads[0], self.reference)
            self.reference_downloaded = True
        return self.reference


@asynccontextmanager
async def run_files(heads: tuple[ObjectHead, ObjectHead]) -> AsyncIterator[RunFiles]:
    try:
        workdir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="clarus-drift-"))
    except OSError as err:
        raise ScratchSpaceError(
            f"Cannot create a temporary directory for the datasets: {err}"
        ) from err
    try:
        yield RunFiles(workdir, heads)
    finally:
        await asyncio.to_thread(shutil.rmtree, workdir, True)

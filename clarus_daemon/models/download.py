"""Streaming a version's files to disk, checking each one's size and recording its SHA-256.

A file never sits whole in memory: chunks are batched to about a megabyte (a gigabyte
costs a thousand thread hops, not a hundred thousand) and hashed and written by a
worker thread (hashlib releases the GIL) while the loop reads the next batch.
"""

import asyncio
import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from clarus_daemon.errors import UpstreamError
from clarus_daemon.models.sources import CHUNK_BYTES, ArtifactSource, RemoteFile
from clarus_daemon.reserve import reserve


@dataclass(frozen=True)
class FileRecord:
    path: str
    size: int
    sha256: str


class Progress(Protocol):
    """Told how much there is to fetch, then each time bytes land on disk."""

    def begin(self, files: int, total_bytes: int) -> None: ...

    def advance(self, nbytes: int) -> None: ...


class NoProgress:
    def begin(self, files: int, total_bytes: int) -> None:
        pass

    def advance(self, nbytes: int) -> None:
        pass


def total_size(files: list[RemoteFile]) -> int:
    return sum(f.size or 0 for f in files)


def _write(out: BinaryIO, hashes: list[Any], data: bytes) -> None:
    for digest in hashes:
        digest.update(data)
    out.write(data)


class _FileWriter:
    """One destination file: batches chunks; a worker thread hashes and writes each batch
    while the loop already reads the next one (at most one batch in flight)."""

    def __init__(self, out: BinaryIO, remote: RemoteFile, service: str) -> None:
        self._out = out
        self._remote = remote
        self._service = service
        self.sha256 = hashlib.sha256()
        self._md5 = hashlib.md5(usedforsecurity=False) if remote.md5 else None
        self._hashes: list[Any] = [self.sha256] if self._md5 is None else [self.sha256, self._md5]
        self._pending = bytearray()
        self._in_flight: asyncio.Task[None] | None = None
        self._in_flight_bytes = 0
        self.size = 0

    async def add(self, chunk: bytes) -> int:
        """Buffer a chunk; returns the bytes that reached the disk meanwhile."""
        self.size += len(chunk)
        if self._remote.size is not None and self.size > self._remote.size:
            raise UpstreamError(
                self._service,
                f"{self._remote.path}: more than the {self._remote.size} bytes listed",
            )
        self._pending += chunk
        return await self._hand_over() if len(self._pending) >= CHUNK_BYTES else 0

    async def _hand_over(self) -> int:
        written = await self.drain()
        data, self._pending = bytes(self._pending), bytearray()
        self._in_flight = asyncio.create_task(
            asyncio.to_thread(_write, self._out, self._hashes, data)
        )
        self._in_flight_bytes = len(data)
        return written

    async def drain(self) -> int:
        """Wait for the batch in flight (also before closing the file on failure)."""
        task, self._in_flight = self._in_flight, None
        if task is None:
            return 0
        await task
        return self._in_flight_bytes

    async def finish(self) -> int:
        written = await self._hand_over() if self._pending else 0
        return written + await self.drain()

    def check_complete(self) -> None:
        expected = self._remote.size
        if expected is not None and self.size != expected:
            raise UpstreamError(
                self._service,
                f"{self._remote.path}: got {self.size} bytes, {expected} were listed",
            )
        if self._md5 is not None and self._md5.hexdigest() != self._remote.md5:
            raise UpstreamError(self._service, f"{self._remote.path}: MD5 differs from its ETag")


async def download_file(
    source: ArtifactSource, remote: RemoteFile, target_dir: Path, progress: Progress
) -> FileRecord:
    destination = target_dir / remote.path
    await asyncio.to_thread(destination.parent.mkdir, parents=True, exist_ok=True)
    out = await asyncio.to_thread(destination.open, "wb")
    writer = _FileWriter(out, remote, source.service)
    try:
        await asyncio.to_thread(reserve, out.fileno(), remote.size)
        async with source.open(remote) as chunks:
            async for chunk in chunks:
                progress.advance(await writer.add(chunk))
        progress.advance(await writer.finish())
        writer.check_complete()
        # on disk before the version is switched to: edge machines lose power
        await asyncio.to_thread(os.fsync, out.fileno())
    finally:
        with contextlib.suppress(Exception):
            await writer.drain()
        await asyncio.to_thread(out.close)
    return FileRecord(remote.path, writer.size, writer.sha256.hexdigest())


async def download_all(
    source: ArtifactSource,
    files: list[RemoteFile],
    target_dir: Path,
    progress: Progress,
) -> list[FileRecord]:
    """Every file, one after the other: one model rarely has more than a few big files."""
    progress.begin(len(files), total_size(files))
    return [await download_file(source, f, target_dir, progress) for f in files]

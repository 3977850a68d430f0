"""Streaming files to disk: sizes, checksums, progress, refused paths."""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from clarus_daemon.errors import UpstreamError
from clarus_daemon.models.download import download_all
from clarus_daemon.models.sources import RemoteFile, checked_relative_path


class FakeSource:
    uri = "fake:/model"
    service = "fake"

    def __init__(self, contents: dict[str, bytes], chunk: int = 100_000) -> None:
        self.contents = contents
        self.chunk = chunk

    @asynccontextmanager
    async def open(self, file: RemoteFile) -> AsyncIterator[AsyncIterator[bytes]]:
        data = self.contents[file.path]

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(data), self.chunk):
                yield data[start : start + self.chunk]

        yield chunks()

    async def list_files(self) -> list[RemoteFile]:
        return [RemoteFile(path, len(data)) for path, data in sorted(self.contents.items())]


class CountingProgress:
    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self.files = 0

    def begin(self, files: int, total_bytes: int) -> None:
        self.files, self.total = files, total_bytes

    def advance(self, nbytes: int) -> None:
        self.done += nbytes


async def test_files_land_with_their_sha256_and_full_progress(tmp_path: Path) -> None:
    contents = {"MLmodel": b"flavors: {}\n", "code/pkg/blob.bin": bytes(range(256)) * 20_000}
    source = FakeSource(contents)
    progress = CountingProgress()

    records = await download_all(source, await source.list_files(), tmp_path, progress)

    for record in records:
        data = contents[record.path]
        assert (tmp_path / record.path).read_bytes() == data
        assert (record.size, record.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert progress.files == 2 and progress.done == progress.total == sum(
        map(len, contents.values())
    )


@pytest.mark.parametrize(("listed", "says"), [(10, "more than the 10 bytes"), (99, "got 50")])
async def test_size_other_than_listed_fails(tmp_path: Path, listed: int, says: str) -> None:
    source = FakeSource({"model.bin": b"x" * 50}, chunk=7)
    with pytest.raises(UpstreamError, match=says):
        await download_all(source, [RemoteFile("model.bin", listed)], tmp_path, CountingProgress())


async def test_md5_other_than_the_etag_fails(tmp_path: Path) -> None:
    source = FakeSource({"model.bin": b"abc"})
    wrong = RemoteFile("model.bin", 3, md5="0" * 32)
    with pytest.raises(UpstreamError, match="MD5"):
        await download_all(source, [wrong], tmp_path, CountingProgress())
    right = RemoteFile("model.bin", 3, md5=hashlib.md5(b"abc").hexdigest())
    assert (await download_all(source, [right], tmp_path, CountingProgress()))[0].size == 3


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a//b", "a/./b", "a/../../b", "a\\b", ""])
def test_paths_leaving_the_version_are_refused(path: str) -> None:
    with pytest.raises(UpstreamError, match="refusing"):
        checked_relative_path(path, "mlflow")


def test_nested_relative_paths_pass() -> None:
    assert checked_relative_path("code/pkg/sub/blob.bin", "mlflow") == "code/pkg/sub/blob.bin"

"""Where a model version's files come from: MLflow's artifact proxy or S3 directly.

A download URI `mlflow-artifacts:/...` is served by the tracking server itself;
`s3://bucket/prefix` (a server run without --serve-artifacts) is read straight from S3.
Remote names become local paths, so every path component is checked before use.
"""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from aiohttp import ClientError
from miniopy_async.api import Minio
from miniopy_async.error import MinioException

from clarus_daemon.errors import UpstreamError, UpstreamUnavailable
from clarus_daemon.models.mlflow_client import SERVICE, MlflowClient

CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True, order=True)
class RemoteFile:
    path: str
    """Relative to the version's root, '/'-separated, every component checked."""
    size: int | None
    md5: str | None = None
    """Expected MD5 when the store states one (a single-part S3 ETag)."""


class ArtifactSource(Protocol):
    uri: str
    service: str
    """Who to blame in errors: mlflow or s3."""

    async def list_files(self) -> list[RemoteFile]: ...

    def open(self, file: RemoteFile) -> AbstractAsyncContextManager[AsyncIterator[bytes]]: ...


def checked_relative_path(path: str, service: str) -> str:
    """Refuse names that would land outside the version directory."""
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise UpstreamError(service, f"refusing artifact path {path!r}: not a plain relative path")
    return path


class MlflowArtifacts:
    """Files under an mlflow-artifacts: URI, listed and streamed by the tracking server."""

    service = SERVICE

    def __init__(self, client: MlflowClient, uri: str) -> None:
        self.uri = uri
        self._client = client
        self._root = urlsplit(uri).path.strip("/")

    async def list_files(self) -> list[RemoteFile]:
        files: list[RemoteFile] = []
        pending = [""]
        while pending:
            directory = pending.pop()
            listed = f"{self._root}/{directory}".rstrip("/")
            for entry in await self._client.list_artifacts(listed):
                path = checked_relative_path(f"{directory}{entry.name}", SERVICE)
                if entry.is_dir:
                    pending.append(f"{path}/")
                else:
                    files.append(RemoteFile(path, entry.size))
        return sorted(files)

    @asynccontextmanager
    async def open(self, file: RemoteFile) -> AsyncIterator[AsyncIterator[bytes]]:
        async with self._client.open_artifact(f"{self._root}/{file.path}") as response:
            yield response.content.iter_chunked(CHUNK_BYTES)


def _md5_of(etag: str | None) -> str | None:
    etag = (etag or "").strip('"')
    # a multipart upload's ETag ("<md5 of md5s>-<parts>") is no checksum of the content
    return etag.lower() if len(etag) == 32 and "-" not in etag else None


class S3Artifacts:
    """Files under an s3:// URI, read with the configured S3 credentials."""

    service = "s3"

    def __init__(self, minio: Minio, uri: str) -> None:
        self.uri = uri
        self._minio = minio
        parts = urlsplit(uri)
        self._bucket = parts.netloc
        self._prefix = parts.path.strip("/")

    async def list_files(self) -> list[RemoteFile]:
        prefix = f"{self._prefix}/" if self._prefix else ""
        try:
            return sorted(
                [
                    RemoteFile(
                        checked_relative_path(obj.object_name[len(prefix) :], "s3"),
                        obj.size,
                        _md5_of(obj.etag),
                    )
                    async for obj in self._minio.list_objects(
                        self._bucket, prefix=prefix, recursive=True
                    )
                    if obj.object_name and not obj.is_dir
                ]
            )
        except (MinioException, ClientError, TimeoutError, OSError) as err:
            raise _s3_error(err, f"listing {self.uri}") from err

    @asynccontextmanager
    async def open(self, file: RemoteFile) -> AsyncIterator[AsyncIterator[bytes]]:
        name = f"{self._prefix}/{file.path}" if self._prefix else file.path
        try:
            response = await self._minio.get_object(self._bucket, name)
        except (MinioException, ClientError, TimeoutError, OSError) as err:
            raise _s3_error(err, f"reading s3://{self._bucket}/{name}") from err
        try:
            yield response.content.iter_chunked(CHUNK_BYTES)
        except (ClientError, TimeoutError) as err:
            raise _s3_error(err, f"reading s3://{self._bucket}/{name}") from err
        finally:
            response.release()


def _s3_error(err: Exception, doing: str) -> UpstreamError:
    if isinstance(err, MinioException):
        return UpstreamError("s3", f"S3 failed {doing}: {err}")
    return UpstreamUnavailable("s3", f"S3 is unreachable {doing}: {err or type(err).__name__}")


def source_for(uri: str, client: MlflowClient, s3: Minio | None) -> ArtifactSource:
    scheme = urlsplit(uri).scheme
    if scheme == "mlflow-artifacts":
        return MlflowArtifacts(client, uri)
    if scheme in ("s3", "s3a"):
        if s3 is None:
            raise UpstreamUnavailable(
                "s3",
                f"the model's files are in S3 ({uri}) but no S3 server is configured "
                "(mlflow.s3_endpoint_url, or [minio])",
            )
        return S3Artifacts(s3, uri)
    raise UpstreamError(
        SERVICE,
        f"cannot download {uri}: only mlflow-artifacts: (mlflow server --serve-artifacts) "
        "and s3:// artifact locations are supported",
    )

"""The datasets' S3 side (MinIO): heads, downloads, uploads and server-side copies.

Every S3 or connection failure leaves as a daemon error naming the bucket and
object: a missing object or bucket is NotFound, an unreachable server
UpstreamUnavailable, anything else UpstreamError.
"""

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from aiohttp import ClientError
from miniopy_async.api import Minio
from miniopy_async.commonconfig import REPLACE, CopySource
from miniopy_async.error import MinioException, S3Error
from multidict import CIMultiDict

from clarus_daemon.drift.errors import ScratchSpaceError
from clarus_daemon.errors import Conflict, NotFound, UpstreamError, UpstreamUnavailable
from clarus_daemon.reserve import reserve

SERVICE = "minio"
MISSING = frozenset({"NoSuchKey", "NoSuchBucket", "NoSuchObject", "ResourceNotFound"})
CHUNK_BYTES = 1 << 20
META_PREFIX = "x-amz-meta-"
T = TypeVar("T")


@dataclass(frozen=True)
class ObjectHead:
    bucket: str
    key: str
    etag: str
    size: int
    content_type: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    """User metadata, keys lower-case without the x-amz-meta- prefix."""


def _user_metadata(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name.lower()[len(META_PREFIX) :]: value
        for name, value in headers.items()
        if name.lower().startswith(META_PREFIX)
    }


@asynccontextmanager
async def s3_errors(action: str, bucket: str, key: str) -> AsyncIterator[None]:
    where = f"{bucket}/{key}"
    details = {"bucket": bucket, "object": key}
    try:
        yield
    except S3Error as err:
        if err.code in MISSING:
            what = "bucket" if err.code == "NoSuchBucket" else "object"
            raise NotFound(
                f"MinIO has no {what} {bucket if what == 'bucket' else where}",
                details={"service": SERVICE, **details},
            ) from err
        if err.code == "PreconditionFailed":
            raise Conflict(
                f"{where} changed while the drift check used it; run the check again",
                details={"service": SERVICE, **details},
            ) from err
        raise UpstreamError(
            SERVICE,
            f"MinIO refused to {action} {where}: {err.code}: {err.message}",
            details=details,
        ) from err
    except MinioException as err:
        raise UpstreamError(
            SERVICE, f"MinIO failed to {action} {where}: {err}", details=details
        ) from err
    except (ClientError, OSError, TimeoutError) as err:
        raise UpstreamUnavailable(
            SERVICE,
            f"MinIO is unreachable ({action} {where}): {err or type(err).__name__}",
            details=details,
        ) from err


async def _local(write: Awaitable[T], path: Path) -> T:
    """A local file operation; its OSError must not pass for MinIO being unreachable."""
    try:
        return await write
    except OSError as err:
        raise ScratchSpaceError(
            f"Cannot write the dataset to {path.parent} ({err.strerror or err}): free space "
            "there or point TMPDIR at a larger disk",
            details={"path": str(path)},
        ) from err


class DatasetStore:
    def __init__(self, client: Minio) -> None:
        self._client = client

    async def head(self, bucket: str, key: str) -> ObjectHead:
        async with s3_errors("read", bucket, key):
            stat = await self._client.stat_object(bucket, key)
        return ObjectHead(
            bucket,
            key,
            etag=stat.etag or "",
            size=stat.size or 0,
            content_type=stat.content_type,
            metadata=_user_metadata(CIMultiDict(stat.metadata or {})),
        )

    async def head_or_none(self, bucket: str, key: str) -> ObjectHead | None:
        try:
            return await self.head(bucket, key)
        except NotFound:
            return None

    async def download(self, source: ObjectHead, destination: Path) -> None:
        """Stream exactly the version `source` describes into a file, writes off the loop."""
        bucket, key = source.bucket, source.key
        async with s3_errors("read", bucket, key):
            response = await self._client.get_object(
                bucket, key, request_headers={"If-Match": f'"{source.etag}"'}
            )
            try:
                with await _local(asyncio.to_thread(destination.open, "wb"), destination) as file:
                    await _local(
                        asyncio.to_thread(reserve, file.fileno(), source.size), destination
                    )
                    async for chunk in response.content.iter_chunked(CHUNK_BYTES):
                        await _local(asyncio.to_thread(file.write, chunk), destination)
            finally:
                response.release()

    @asynccontextmanager
    async def open_stream(
        self, bucket: str, key: str
    ) -> AsyncIterator[tuple[int | None, AsyncIterator[bytes]]]:
        """(size if known, chunks) of an object of any size, never held whole in memory.

        Errors before the first byte leave as daemon errors; the caller streams the rest.
        """
        async with s3_errors("read", bucket, key):
            response = await self._client.get_object(bucket, key)
        try:
            yield response.content_length, response.content.iter_chunked(CHUNK_BYTES)
        finally:
            response.release()

    async def read(self, bucket: str, key: str) -> bytes:
        """A small object's content (journals, summaries)."""
        async with s3_errors("read", bucket, key):
            response = await self._client.get_object(bucket, key)
            try:
                return await response.read()
            finally:
                response.release()

    async def put(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        async with s3_errors("write", bucket, key):
            await self._client.put_object(
                bucket, key, io.BytesIO(data), len(data), content_type=content_type
            )

    async def copy(
        self, source: ObjectHead, key: str, metadata: Mapping[str, str] | None = None
    ) -> None:
        """Server-side copy of exactly the version `source` describes (S3 checks the etag).

        With metadata, the copy carries it instead of the source's (Content-Type kept).
        """
        bucket = source.bucket
        copy_source = CopySource(bucket, source.key, match_etag=source.etag)
        extra: dict[str, str | list[str] | tuple[str]] = {}
        if metadata is not None:
            extra = {"Content-Type": source.content_type or "text/csv"}
            extra.update({f"{META_PREFIX}{name}": value for name, value in metadata.items()})
        async with s3_errors(f"copy {source.key} to", bucket, key):
            await self._client.copy_object(
                bucket,
                key,
                copy_source,
                metadata=extra or None,
                metadata_directive=REPLACE if metadata is not None else None,
            )

    async def remove(self, bucket: str, key: str) -> None:
        async with s3_errors("delete", bucket, key):
            await self._client.remove_object(bucket, key)

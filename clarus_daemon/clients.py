"""Shared clients, opened in cleanup contexts in dependency order and closed on exit."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiodocker
from aiohttp import ClientSession, ClientTimeout, web
from miniopy_async.api import Minio

from clarus_daemon import keys
from clarus_daemon.config import Settings


async def http_session_ctx(app: web.Application) -> AsyncIterator[None]:
    timeout = ClientTimeout(total=app[keys.SETTINGS].server.client_timeout_s)
    async with ClientSession(timeout=timeout) as session:
        app[keys.HTTP_SESSION] = session
        yield


async def docker_ctx(app: web.Application) -> AsyncIterator[None]:
    # The client only opens connections when used, so an engine that is down at
    # start-up shows in /api/health and on inference calls, not as a crash.
    docker = aiodocker.Docker(url=app[keys.SETTINGS].docker.url)
    app[keys.DOCKER] = docker
    try:
        yield
    finally:
        await docker.close()


# Server-side copies of big objects answer only once done; every other S3 call
# answers long before this.
S3_READ_TIMEOUT_S = 120.0


@asynccontextmanager
async def open_minio(settings: Settings) -> AsyncIterator[Minio | None]:
    """The MinIO client of [minio], None when no endpoint is configured.

    Its own session, without miniopy-async's default retries: those repeat 5xx
    answers with backoff and would make a down MinIO look slow instead of down.
    """
    minio_settings = settings.minio
    if minio_settings.endpoint is None:
        yield None
        return
    secret = minio_settings.secret_key
    timeout = ClientTimeout(
        total=None, sock_connect=settings.server.client_timeout_s, sock_read=S3_READ_TIMEOUT_S
    )
    client = Minio(
        minio_settings.endpoint,
        access_key=minio_settings.access_key,
        secret_key=secret.get_secret_value() if secret else None,
        secure=minio_settings.secure,
        region=minio_settings.region,
        session=ClientSession(timeout=timeout),
    )
    try:
        yield client
    finally:
        await client.close_session()  # type: ignore[no-untyped-call]


async def minio_ctx(app: web.Application) -> AsyncIterator[None]:
    async with open_minio(app[keys.SETTINGS]) as client:
        if client is not None:
            app[keys.MINIO] = client
        yield

"""Shared clients, opened in cleanup contexts in dependency order and closed on exit."""

from collections.abc import AsyncIterator

import aiodocker
from aiohttp import ClientSession, ClientTimeout, web
from miniopy_async.api import Minio

from clarus_daemon import keys


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


async def minio_ctx(app: web.Application) -> AsyncIterator[None]:
    minio_settings = app[keys.SETTINGS].minio
    if minio_settings.endpoint is None:
        yield
        return
    secret = minio_settings.secret_key
    client = Minio(
        minio_settings.endpoint,
        access_key=minio_settings.access_key,
        secret_key=secret.get_secret_value() if secret else None,
        secure=minio_settings.secure,
        region=minio_settings.region,
    )
    app[keys.MINIO] = client
    try:
        yield
    finally:
        await client.close_session()  # type: ignore[no-untyped-call]

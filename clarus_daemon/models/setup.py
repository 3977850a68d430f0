"""Building the model fetcher from the settings and the daemon's shared clients."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiodocker
from aiohttp import BasicAuth, ClientSession
from miniopy_async.api import Minio

from clarus_daemon.config import Settings
from clarus_daemon.events import Events
from clarus_daemon.models.mlflow_client import MlflowClient
from clarus_daemon.models.service import ModelFetcher


def mlflow_client(settings: Settings, session: ClientSession) -> MlflowClient | None:
    mlflow = settings.mlflow
    if mlflow.tracking_uri is None:
        return None
    auth = None
    if mlflow.username:
        password = mlflow.password.get_secret_value() if mlflow.password else ""
        auth = BasicAuth(mlflow.username, password)
    return MlflowClient(
        session, str(mlflow.tracking_uri), auth=auth, read_timeout_s=mlflow.read_timeout_s
    )


@asynccontextmanager
async def artifact_s3(settings: Settings, fallback: Minio | None) -> AsyncIterator[Minio | None]:
    """The S3 client for s3:// model artifacts: MLflow's own S3 when set, else [minio]."""
    mlflow = settings.mlflow
    if mlflow.s3_endpoint_url is None:
        yield fallback
        return
    url = mlflow.s3_endpoint_url
    client = Minio(
        f"{url.host}:{url.port}",
        access_key=mlflow.s3_access_key,
        secret_key=mlflow.s3_secret_key.get_secret_value() if mlflow.s3_secret_key else None,
        secure=url.scheme == "https",
    )
    try:
        yield client
    finally:
        await client.close_session()  # type: ignore[no-untyped-call]


def build_fetcher(
    settings: Settings,
    session: ClientSession,
    events: Events,
    *,
    s3: Minio | None,
    docker: aiodocker.Docker | None,
) -> ModelFetcher:
    return ModelFetcher(
        settings.mlflow,
        mlflow_client(settings, session),
        events,
        s3=s3,
        docker=docker if settings.mlflow.restart_inference else None,
    )

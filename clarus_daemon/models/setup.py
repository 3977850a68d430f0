"""Building the model fetcher from the settings and the daemon's shared clients."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiodocker
from aiohttp import BasicAuth, ClientSession
from miniopy_async.api import Minio
from pydantic import SecretStr

from clarus_daemon.config import Settings
from clarus_daemon.events import Events
from clarus_daemon.inference.ownership import Ownership
from clarus_daemon.models.mlflow_client import MlflowClient
from clarus_daemon.models.restart import InferenceRestarter
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


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value else None


def _s3_client(settings: Settings) -> Minio | None:
    mlflow, minio = settings.mlflow, settings.minio
    if mlflow.s3_endpoint_url is not None:
        url = mlflow.s3_endpoint_url
        return Minio(
            f"{url.host}:{url.port}",
            access_key=mlflow.s3_access_key,
            secret_key=_secret(mlflow.s3_secret_key),
            secure=url.scheme == "https",
        )
    if minio.endpoint is not None:
        return Minio(
            minio.endpoint,
            access_key=minio.access_key,
            secret_key=_secret(minio.secret_key),
            secure=minio.secure,
            region=minio.region,
        )
    return None


@asynccontextmanager
async def artifact_s3(settings: Settings) -> AsyncIterator[Minio | None]:
    """S3 for s3:// model artifacts: MLflow's own S3 when configured, else the [minio] server.

    A client of its own, so `clarus-daemon model pull` builds it the same way without the app.
    """
    client = _s3_client(settings)
    if client is None:
        yield None
        return
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
        restarter=_restarter(settings, docker),
    )


def _restarter(settings: Settings, docker: aiodocker.Docker | None) -> InferenceRestarter | None:
    if docker is None or not settings.mlflow.restart_inference:
        return None
    return InferenceRestarter(docker, Ownership.of_state_dir(settings.state_dir))

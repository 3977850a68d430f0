"""Artifacts in S3 (s3:// download URIs) are read straight from S3 with the configured keys.

S3 is a real moto server on loopback; the registry answers come from a small fake,
since an MLflow server only hands out s3:// URIs when it is run without artifact proxying.
"""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aiohttp import web
from moto.server import ThreadedMotoServer

from tests.infra.mlflow_server import ModelsApi
from tests.infra.ports import free_port
from tests.infra.threaded_server import serve_in_thread

pytestmark = pytest.mark.integration

BUCKET, PREFIX = "mlflow", "7/models/m-abc/artifacts"
KEY, SECRET = "model-reader", "model-reader-secret"
FILES = {
    "MLmodel": b"flavors:\n  sklearn: {}\n",
    "model.skops": os.urandom(300_000),
    "code/pkg/helper.py": b"SEED = 1\n",
}


@pytest.fixture(scope="module")
def s3_url() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3", endpoint_url=url, aws_access_key_id=KEY, aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)
    for name, data in FILES.items():
        s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{name}", Body=data)
    s3.put_object(Bucket=BUCKET, Key="7/models/m-other/artifacts/MLmodel", Body=b"not this one")
    try:
        yield url
    finally:
        server.stop()


def _registry() -> web.Application:
    version = {"name": "UC_S3", "version": "4", "run_id": "r-4", "current_stage": "Production"}

    async def latest(_request: web.Request) -> web.Response:
        return web.json_response({"model_versions": [{**version, "status": "READY"}]})

    async def download_uri(_request: web.Request) -> web.Response:
        return web.json_response({"artifact_uri": f"s3://{BUCKET}/{PREFIX}"})

    app = web.Application()
    app.router.add_get("/api/2.0/mlflow/registered-models/get-latest-versions", latest)
    app.router.add_get("/api/2.0/mlflow/model-versions/get-download-uri", download_uri)
    return app


@pytest.fixture(scope="module")
def registry_url() -> Iterator[str]:
    with serve_in_thread(_registry()) as server:
        yield server.url


async def _client_reading_s3_via(
    how: str, models_api: ModelsApi, s3_url: str, registry_url: str, tmp_path: Path
) -> Any:
    if how == "mlflow.s3_endpoint_url":
        return await models_api(
            tmp_path, tracking_uri=registry_url,
            s3_endpoint_url=s3_url, s3_access_key=KEY, s3_secret_key=SECRET,
        )  # fmt: skip
    minio = {"endpoint": s3_url.removeprefix("http://"), "access_key": KEY, "secret_key": SECRET}
    return await models_api(tmp_path, sections={"minio": minio}, tracking_uri=registry_url)


@pytest.mark.parametrize("how", ["mlflow.s3_endpoint_url", "minio"])
async def test_s3_artifacts_land_byte_identical(
    models_api: ModelsApi, s3_url: str, registry_url: str, tmp_path: Path, how: str
) -> None:
    client = await _client_reading_s3_via(how, models_api, s3_url, registry_url, tmp_path)

    response = await client.put("/api/mlflow/model", json={"exp_id": "UC_S3"})

    answer = await response.json()
    assert response.status == 200, answer
    assert answer["version"] == "4"
    current = tmp_path / "UC_S3" / "current"
    for name, data in FILES.items():
        assert (current / name).read_bytes() == data
    assert {f["path"]: f["sha256"] for f in answer["files"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()
    }


async def test_s3_uri_without_s3_configured_is_503(
    models_api: ModelsApi, registry_url: str, tmp_path: Path
) -> None:
    client = await models_api(tmp_path, tracking_uri=registry_url)
    response = await client.put("/api/mlflow/model", json={"exp_id": "UC_S3"})
    answer = await response.json()
    assert response.status == 503, answer
    assert answer["details"]["service"] == "s3" and "s3_endpoint_url" in answer["message"]

"""The daemon in-process with every dependency real or a contract fake on 127.0.0.1.

A 5xx from it can only be the daemon's own fault, which is what the fuzzers and the
hostile-input corpus look for. Images outside the test registry are refused before
any pull, so generated image names never make the engine leave loopback.
"""

from collections.abc import Iterator

import pytest

from clarus_daemon.app import create_app
from clarus_daemon.config.auth import token_digest
from tests.infra.airflow import AirflowFake
from tests.infra.app_settings import make_settings
from tests.infra.drift_app import monitor, red_halves
from tests.infra.ids_agent import IdsAgentFake
from tests.infra.images import InferenceLab
from tests.infra.mlflow_server import MlflowServer
from tests.infra.s3 import S3Bucket, S3Server
from tests.infra.threaded_server import ThreadedServer, serve_in_thread

TOKEN = "fuzz-token-0123456789abcdef"
HOST_PORTS = (20000, 20100)


@pytest.fixture
def full_daemon(
    inference_lab: InferenceLab,
    s3_server: S3Server,
    s3_bucket: S3Bucket,
    ids_agent: IdsAgentFake,
    airflow: AirflowFake,
    mlflow_server: MlflowServer,
) -> Iterator[ThreadedServer]:
    reference, new = red_halves()
    wine = monitor(s3_bucket)
    s3_bucket.put(wine["reference"], reference)
    s3_bucket.put(wine["new_data"], new)
    sections = inference_lab.settings(
        allowed_images=[f"{inference_lab.images.registry.host}/*"],
        host_port_range=list(HOST_PORTS),
    )
    sections["mlflow"] |= {"tracking_uri": mlflow_server.url}
    settings = make_settings(
        **sections,
        auth={"tokens": [{"name": "fuzz", "sha256": token_digest(TOKEN)}]},
        minio=s3_server.minio_settings(),
        ids={"url": ids_agent.url, "provider_ip": "127.0.0.1"},
        airflow=airflow.settings(),
        drift={"monitors": {"default": wine}, "workers": 1},
    )
    with serve_in_thread(create_app(settings)) as server:
        yield server

"""Schemathesis against the daemon's own OpenAPI document, every endpoint, fixed seed.

The daemon runs with every dependency real or a contract fake on 127.0.0.1, so a
5xx can only be the daemon's fault. Images outside the test registry are refused
before any pull, so generated image names never make the engine leave loopback.
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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
SEED = 20261125
MAX_EXAMPLES = 12
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
BYSTANDER = "clarus-fuzz-bystander"


@pytest.fixture
def daemon(
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
        host_port_range=[20000, 20100],
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


def test_no_5xx_and_every_answer_matches_the_document(
    daemon: ThreadedServer, inference_lab: InferenceLab, tmp_path: Path
) -> None:
    engine = inference_lab.engine
    engine.cli("create", "--name", BYSTANDER, inference_lab.images.good_v1)
    try:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")), "run",
                f"{daemon.url}/api/docs/openapi.json",
                "--checks", CHECKS,
                "--seed", str(SEED),
                "--max-examples", str(MAX_EXAMPLES),
                "--header", f"Authorization: Bearer {TOKEN}",
                "--workers", "1",
                "--request-timeout", "60",
            ],
            capture_output=True, text=True, cwd=tmp_path, check=False, timeout=900,
        )  # fmt: skip
        (Path("test-output") / "schemathesis.txt").parent.mkdir(exist_ok=True)
        (Path("test-output") / "schemathesis.txt").write_text(result.stdout + result.stderr)
        assert result.returncode == 0, result.stdout[-6000:]
        assert engine.cli("ps", "-aq", "--filter", f"name=^{BYSTANDER}$"), "bystander touched"
    finally:
        engine.cli("rm", "-f", BYSTANDER, check=False)

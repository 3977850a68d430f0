"""A pilot's edge box after the README's migration steps, with the kit's own files.

The kit files are written in the kit's exact format (tests/infra/kit_files.py) with
loopback addresses of the test's servers: moto S3 as MinIO, the Airflow and IDS
agent contract fakes, the htpasswd registry (its login in config.json, as `docker
login` writes it). The daemon is then started as the README's migration section
says: the kit's `.env` and `config.json` next to the compose file, `clarus-daemon
migrate ... --write .`, and the command the written compose file runs with the
written config/clarus-daemon.toml. What a test box cannot share with the host is
substituted, and only that: the daemon runs on the host, not in a container, so
the config file is read where compose mounts it from (./config), config.json is
found through $DOCKER_CONFIG rather than at /root/.docker, and containers are
probed on their published ports directly rather than through host.docker.internal;
the two fixed ports (8081, 5000) become free ports on 127.0.0.1; containers publish
on 127.0.0.1; the state directory and models root (volumes in compose) are the
test's; the network and models volume are the session's on the shared engine.
"""

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.infra.airflow import AirflowFake
from tests.infra.daemon_process import DAEMON, DaemonProcess, http_get, start_daemon
from tests.infra.drift_app import EXPERIMENT, NEW_DATA, REFERENCE, wine
from tests.infra.ids_agent import IdsAgentFake
from tests.infra.images import InferenceLab
from tests.infra.kit_files import KitFiles, write_kit_files
from tests.infra.ports import free_port
from tests.infra.s3 import ACCESS_KEY, SECRET_KEY, S3Bucket, S3Server

REPORTS = "uc_wine_reports"
IMAGE_NAME = "redwine:prod"
"""The image the kit's Postman deploy names (`{{InferenceImUri}}/redwine:prod`)."""


def push_as(lab: InferenceLab, local: str, name: str) -> str:
    """Push a local test image to the registry under the kit's name; the reference."""
    registry = lab.images.registry
    remote = registry.ref(name)
    login = lab.root / "docker-client"
    lab.engine.cli("tag", local, remote)
    lab.engine.cli("--config", str(login), "push", remote)
    return remote


def kit_env(
    s3: S3Server, bucket: S3Bucket, airflow: AirflowFake, ids_agent: IdsAgentFake
) -> dict[str, str]:
    ids_port = ids_agent.url.rsplit(":", 1)[1].rstrip("/")
    airflow_port = airflow.url.rsplit(":", 1)[1].rstrip("/")
    return {
        "AIRFLOW_IP": "127.0.0.1",
        "AIRFLOW_PORT": airflow_port,
        "ID_AIRFLOW_DAG": "redwine_production_dag_over_k8s",
        "AIRFLOW_USER": airflow.state.username,
        "AIRFLOW_PASSWORD": airflow.state.password,
        "MINIO_IP": "127.0.0.1",
        "MINIO_PORT": str(s3.port),
        "MINIO_USER": ACCESS_KEY,
        "MINIO_PASSWORD": SECRET_KEY,
        "MINIO_BUCKET": bucket.name,
        "MINIO_REF_DATA": REFERENCE,
        "MINIO_NEW_DATA": NEW_DATA,
        "MINIO_REPORT_PATH": REPORTS,
        "EXPERIMENT_ID": EXPERIMENT,
        "IDS_PROVIDER_IP": "127.0.0.1",
        "IDS_PROVIDER_PORT": ids_port,
    }


@dataclass
class MigratedSite:
    kit: KitFiles
    home: Path
    """The daemon's folder: the compose file's folder, with the kit's files copied in."""
    lab: InferenceLab
    image: str
    agent_port: int
    drift_port: int
    daemon: DaemonProcess | None = None

    def environment(self) -> dict[str, str]:
        """The compose file's environment, with the substitutions of the module docstring."""
        return {
            # compose mounts ./config.json at /root/.docker/config.json; on the host the
            # Docker client's own variable points at the same file
            "DOCKER_CONFIG": str(self.home),
            "DOCKER_HOST": self.lab.engine.url,
            "CLARUS__MLFLOW__MODELS_ROOT": str(self.home / "models"),
            "CLARUS__HISTORY__PATH": str(self.home / "state" / "history.sqlite3"),
            "CLARUS__SERVER__COMPAT_DRIFT_LISTEN": str(self.drift_port),
            "CLARUS__INFERENCE__HOST_IP": "127.0.0.1",
            "CLARUS__INFERENCE__NETWORK": self.lab.network,
            "CLARUS__INFERENCE__MODELS_VOLUME": self.lab.volume,
        }

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*DAEMON, *args],
            cwd=self.home,
            env={**os.environ, **self.environment()},
            capture_output=True,
            text=True,
            check=False,
        )

    def migrate(self, *args: str) -> subprocess.CompletedProcess[str]:
        """README step 2, with the kit's files: `clarus-daemon migrate ...` [--write DIR]."""
        kit_files = ["--env", ".env", "--docker-config", "config.json"]
        return self.cli("migrate", *kit_files, "--compose", str(self.kit.compose), *args)

    @property
    def written_config(self) -> Path:
        """What `migrate --write .` wrote; compose mounts ./config at /etc/clarus-daemon."""
        return self.home / "config" / "clarus-daemon.toml"

    def start(self) -> DaemonProcess:
        """README steps 2 and 4: `migrate --write .`, then `serve` as the written compose
        file runs it, with the written configuration, on 127.0.0.1."""
        written = self.migrate("--write", str(self.home))
        assert written.returncode == 0, written.stderr
        self.daemon = start_daemon(
            self.home,
            self.written_config,
            ping_url=f"http://127.0.0.1:{self.agent_port}/api/ping",
            env=self.environment(),
            args=["--host", "127.0.0.1", "--port", str(self.agent_port)],
        )
        return self.daemon

    def get(self, path: str, port: int | None = None) -> tuple[int, Any]:
        status, body = http_get(f"http://127.0.0.1:{port or self.agent_port}{path}", 120)
        return status, json.loads(body)


@pytest.fixture
def migrated_site(
    tmp_path: Path,
    inference_lab: InferenceLab,
    s3_server: S3Server,
    s3_bucket: S3Bucket,
    airflow: AirflowFake,
    ids_agent: IdsAgentFake,
) -> Iterator[MigratedSite]:
    registry = inference_lab.images.registry
    image = push_as(inference_lab, "clarus-test/good:1", IMAGE_NAME)
    ids_agent.state.consumer_assets[EXPERIMENT] = {
        "docker_img_uri": image,
        "inference_rest_api_port": "8080",
    }
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    login = base64.b64encode(f"{registry.username}:{registry.password}".encode()).decode()
    kit = write_kit_files(
        tmp_path / "clarus_inference_kit",
        kit_env(s3_server, s3_bucket, airflow, ids_agent),
        {registry.host: {"auth": login}},
    )
    home = tmp_path / "clarus-daemon"
    home.mkdir()
    # README step 1: the kit's .env and config.json next to the daemon's compose file
    shutil.copy(kit.env, home / ".env")
    shutil.copy(kit.docker_config, home / "config.json")
    site = MigratedSite(kit, home, inference_lab, image, free_port(), free_port())
    try:
        yield site
    finally:
        if site.daemon is not None:
            site.daemon.terminate()
        inference_lab.clean()

"""A real MLflow tracking server for integration tests, run from its own virtualenv.

scripts/mlflow-venv creates the venv once (about 25 s) and returns at once
afterwards. The server keeps its registry in SQLite and proxies artifacts
(--serve-artifacts), like the MLOps platform's. It runs in its own process group,
so kill() is a crash of the whole server, and start() brings it back on the same
port with the same data. How long each step took is printed in the test summary.
"""

import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from clarus_daemon.app import create_app
from tests.infra import processes
from tests.infra.app_settings import make_settings
from tests.infra.ports import free_port, wait_until
from tests.infra.venvs import record, venv_from_script

LOG_MODEL_SCRIPT = Path(__file__).with_name("mlflow_log_model.py")
MLFLOW_ENV = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "1",
    "PYTHONWARNINGS": "ignore",
    # the venv is installed without bytecode: the first run leaves it behind for the next
    "PYTHONDONTWRITEBYTECODE": "",
}


def mlflow_venv() -> Path:
    return venv_from_script("MLflow", "mlflow-venv")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=0.5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@dataclass
class MlflowServer:
    venv: Path
    root: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def artifacts_dir(self) -> Path:
        return self.root / "artifacts"

    def start(self) -> float:
        """Start (or restart) and wait for /health; the seconds it took."""
        started = time.monotonic()
        argv = [
            str(self.venv / "bin" / "mlflow"), "server",
            "--backend-store-uri", f"sqlite:///{self.root / 'mlflow.db'}",
            "--artifacts-destination", str(self.artifacts_dir),
            "--serve-artifacts", "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", "1",
        ]  # fmt: skip
        self.process = processes.start(argv, self.root / "server.log", env=MLFLOW_ENV)
        wait_until(lambda: _healthy(self.url) or self.process.poll() is not None, 90, "mlflow")
        if self.process.poll() is not None:
            raise RuntimeError(f"mlflow server exited:\n{self.log()[-3000:]}")
        return time.monotonic() - started

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process)
            self.process = None

    def kill(self) -> None:
        if self.process is not None:
            processes.kill(self.process)
            self.process = None

    def log(self) -> str:
        return (self.root / "server.log").read_text(errors="replace")

    def log_models(self, specs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """Log and register models (see mlflow_log_model.py); what was registered."""
        result = subprocess.run(
            [str(self.venv / "bin" / "python"), str(LOG_MODEL_SCRIPT), self.url, json.dumps(specs)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **MLFLOW_ENV},
        )
        if result.returncode != 0:
            raise RuntimeError(f"logging models failed:\n{result.stderr[-3000:]}")
        logged: dict[str, list[dict[str, Any]]] = json.loads(result.stdout.strip().splitlines()[-1])
        return logged


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    server = MlflowServer(mlflow_venv(), tmp_path_factory.mktemp("mlflow"))
    record("MLflow", "mlflow server start", server.start())
    try:
        yield server
    finally:
        # its data is thrown away, and a graceful stop waits seconds for its job consumer
        server.kill()


BIG_MB = 64


@dataclass(frozen=True)
class SeededModels:
    """What the session's server holds (see the mlflow_models fixture)."""

    server: MlflowServer
    energy: list[dict[str, Any]]
    """UC_Energy: v1 in Production, v2 with alias champion; each with a `reference` copy."""
    big: dict[str, Any]
    """UC_Big v1 in Production, with a BIG_MB blob: downloads long enough to interrupt."""


@pytest.fixture(scope="session")
def mlflow_models(
    mlflow_server: MlflowServer, tmp_path_factory: pytest.TempPathFactory
) -> SeededModels:
    started = time.monotonic()
    logged = mlflow_server.log_models(
        [
            {
                "name": "UC_Energy",
                "versions": [{"stage": "Production"}, {"alias": "champion"}],
                "reference_dir": str(tmp_path_factory.mktemp("mlflow-reference")),
            },
            {"name": "UC_Big", "versions": [{"stage": "Production"}], "blob_mb": BIG_MB},
            {"name": "UC_Orphan", "versions": []},  # an experiment without a registered model
        ]
    )
    record("MLflow", "logging test models", time.monotonic() - started)
    return SeededModels(mlflow_server, logged["UC_Energy"], logged["UC_Big"][0])


ModelsApi = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
def models_api(aiohttp_client: Callable[..., Awaitable[TestClient[Any, Any]]]) -> ModelsApi:
    """The real app: models_api(models_root, sections={"docker": {...}}, **mlflow_keys)."""

    async def build(
        models_root: Path, sections: dict[str, dict[str, Any]] | None = None, **mlflow: Any
    ) -> TestClient[Any, Any]:
        mlflow_section = {"models_root": str(models_root), **mlflow}
        settings = make_settings(**(sections or {}), mlflow=mlflow_section)
        return await aiohttp_client(create_app(settings))

    return build

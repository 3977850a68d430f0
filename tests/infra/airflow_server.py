"""A real Airflow 3 (`airflow standalone`) for the drift tests, from its own virtualenv.

scripts/airflow-venv creates the venv once; the server runs in its own process
group with a temporary AIRFLOW_HOME holding one DAG. How long the install and
the start took is printed in the test summary.
"""

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fakes.airflow import DAG_ID
from tests.infra import processes
from tests.infra.ports import free_port, wait_until
from tests.infra.venvs import record, venv_from_script

ENABLE_VAR = "CLARUS_TEST_REAL_AIRFLOW"
DAG_FILE = f'''
from datetime import datetime
from airflow.sdk import DAG
from airflow.providers.standard.operators.empty import EmptyOperator
with DAG("{DAG_ID}", start_date=datetime(2024, 1, 1), schedule=None, catchup=False):
    EmptyOperator(task_id="retrain")
'''


def airflow_venv() -> Path:
    return venv_from_script("Airflow", "airflow-venv")


@dataclass
class AirflowServer:
    venv: Path
    home: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def password(self) -> str:
        passwords = self.home / "simple_auth_manager_passwords.json.generated"
        return str(json.loads(passwords.read_text())["admin"])

    def _env(self) -> dict[str, str]:
        return {
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            # the log servers default to fixed ports 8793/8794 on every interface
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "PATH": f"{self.venv / 'bin'}:{os.environ['PATH']}",  # it spawns `airflow`
            "DO_NOT_TRACK": "1",
            "SCARF_ANALYTICS": "false",
        }

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/version", timeout=1) as response:
                answered = response.status == 200
        except OSError:
            return False
        return answered and (self.home / "simple_auth_manager_passwords.json.generated").exists()

    def start(self) -> float:
        started = time.monotonic()
        (self.home / "dags").mkdir(parents=True, exist_ok=True)
        (self.home / "dags" / "retrain.py").write_text(DAG_FILE)
        argv = [str(self.venv / "bin" / "airflow"), "standalone"]
        self.process = processes.start(argv, self.home / "standalone.log", env=self._env())
        wait_until(lambda: self._ready() or self.process.poll() is not None, 600, "airflow", 1)
        if self.process.poll() is not None:
            raise RuntimeError(f"airflow standalone exited:\n{self.log()[-3000:]}")
        return time.monotonic() - started

    def stop(self) -> None:
        if self.process is None:
            return
        group = self.process.pid
        processes.stop(self.process, timeout_s=30)
        self.process = None
        try:  # standalone returns before all of its components have exited
            wait_until(lambda: not _group_alive(group), 30, "airflow processes to exit", 0.5)
        except TimeoutError:
            os.killpg(group, signal.SIGKILL)

    def log(self) -> str:
        return (self.home / "standalone.log").read_text(errors="replace")


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="session")
def airflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowServer]:
    if os.environ.get(ENABLE_VAR) == "0":
        pytest.skip(f"real Airflow switched off ({ENABLE_VAR}=0)")
    server = AirflowServer(airflow_venv(), tmp_path_factory.mktemp("airflow"))
    record("Airflow", "airflow standalone start", server.start())
    try:
        yield server
    finally:
        server.stop()

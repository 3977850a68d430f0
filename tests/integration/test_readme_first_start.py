"""The README's first command, exactly as a newcomer types it: `scripts/serve`, nothing else set."""

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.infra.daemon_process import http_get
from tests.infra.ports import port_open, wait_until

REPO = Path(__file__).resolve().parents[2]
README_PORT = 8081
"""The address the README promises: 127.0.0.1:8081."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    if port_open(README_PORT):
        pytest.fail(f"127.0.0.1:{README_PORT} is taken; the README's first start needs it free")
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        ["scripts/serve"], cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_until(lambda: port_open(README_PORT) or process.poll() is not None, 120, "serve")
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(15)


def test_scripts_serve_starts_on_the_embedded_default(served: subprocess.Popen[bytes]) -> None:
    base = f"http://127.0.0.1:{README_PORT}"
    assert http_get(f"{base}/api/ping") == (200, b'"OK"')
    status, body = http_get(f"{base}/api/health")
    assert status == 200
    assert set(json.loads(body)["dependencies"]) >= {"docker", "mlflow", "minio", "airflow", "ids"}
    status, page = http_get(f"{base}/")
    assert status == 200
    assert b"<html" in page.lower()
    os.killpg(served.pid, signal.SIGTERM)
    assert served.wait(15) == 0

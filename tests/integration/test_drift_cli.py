"""`clarus-daemon drift run`: the check from a shell, configured by the old variables."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.drift_app import NEW_DATA, REFERENCE, REPORTS, red_halves, wine
from tests.infra.s3 import ACCESS_KEY, SECRET_KEY, S3Bucket, S3Server

pytestmark = pytest.mark.integration


def drift_run(
    tmp_path: Path, s3_server: S3Server, bucket: S3Bucket, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "MINIO_IP": "127.0.0.1",
        "MINIO_PORT": str(s3_server.port),
        "MINIO_USER": ACCESS_KEY,
        "MINIO_PASSWORD": SECRET_KEY,
        "MINIO_BUCKET": bucket.name,
        "MINIO_REF_DATA": REFERENCE,
        "MINIO_NEW_DATA": NEW_DATA,
        "MINIO_REPORT_PATH": REPORTS,
        "CLARUS__HISTORY__PATH": str(tmp_path / "history.sqlite3"),
    }
    return subprocess.run(
        [sys.executable, "-m", "clarus_daemon", "drift", "run", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
        timeout=120,
    )


def test_drift_run_prints_the_summary_and_acts_on_drift(
    tmp_path: Path, s3_server: S3Server, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))

    result = drift_run(tmp_path, s3_server, s3_bucket, "default")

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["drift"] is True and summary["monitor"] == "default"
    assert summary["done"] == ["save_report", "archive_reference", "replace_reference"]
    assert s3_bucket.get(REFERENCE) == wine("white")
    assert s3_bucket.get(summary["archived_reference"]) == wine("red")
    with sqlite3.connect(tmp_path / "history.sqlite3") as history:
        recorded = history.execute("SELECT monitor, outcome FROM drift_runs").fetchall()
    assert len(recorded) == 1 and recorded[0][0] == "default"


def test_drift_run_fails_with_the_error_as_json(
    tmp_path: Path, s3_server: S3Server, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, red_halves()[0])

    result = drift_run(tmp_path, s3_server, s3_bucket)

    assert result.returncode == 1
    error = json.loads(result.stdout)
    assert error["error"] == "not_found" and error["details"]["object"] == NEW_DATA
    assert NEW_DATA in result.stderr

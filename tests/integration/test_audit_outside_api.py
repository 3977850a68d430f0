"""Commands change state without a request: they are in the audit log too, as
"cli (user <login name>)" and without a client address."""

import getpass
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.infra.drift_app import NEW_DATA, REFERENCE, red_halves, wine
from tests.infra.images import InferenceLab
from tests.infra.mlflow_server import SeededModels
from tests.infra.s3 import S3Bucket, S3Server
from tests.integration.test_drift_cli import drift_run
from tests.integration.test_models_cli import pull

pytestmark = pytest.mark.integration

CLI_USER = f"cli (user {getpass.getuser()})"


def audit_rows(history: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(history) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM audit ORDER BY id").fetchall()
    return [{**dict(row), "details": json.loads(row["details"])} for row in rows]


def test_drift_run_from_the_shell_is_audited_with_the_login_name(
    tmp_path: Path, s3_server: S3Server, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    assert drift_run(tmp_path, s3_server, s3_bucket).returncode == 0
    s3_bucket.delete(NEW_DATA)
    assert drift_run(tmp_path, s3_server, s3_bucket, "default").returncode == 1

    done, failed = audit_rows(tmp_path / "history.sqlite3")

    assert (done["principal"], done["client"], done["action"], done["subject"]) == (
        CLI_USER,
        "-",
        "drift_check",
        "default",
    )
    assert (done["outcome"], done["status"], done["details"]["drift"]) == ("ok", 200, True)
    assert s3_bucket.get(done["details"]["archived_reference"]) == wine("red")
    assert (failed["outcome"], failed["status"]) == ("refused", 404)
    assert failed["details"]["error"] == "not_found"


def test_a_refused_drift_run_is_audited_too(
    tmp_path: Path, s3_server: S3Server, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, red_halves()[0])

    assert drift_run(tmp_path, s3_server, s3_bucket, "nonesuch").returncode == 1

    (entry,) = audit_rows(tmp_path / "history.sqlite3")
    assert (entry["principal"], entry["subject"], entry["outcome"]) == (
        CLI_USER,
        "nonesuch",
        "refused",
    )


def test_adopt_from_the_shell_is_audited(inference_lab: InferenceLab, tmp_path: Path) -> None:
    name = inference_lab.new_id("old")
    inference_lab.engine.cli("create", "--name", name, "clarus-test/good:1")
    config = tmp_path / "clarus-daemon.toml"
    history = tmp_path / "state" / "history.sqlite3"
    config.write_text(
        f'[docker]\nurl = "{inference_lab.engine.url}"\n[history]\npath = "{history}"\n'
    )
    adopted = subprocess.run(
        [sys.executable, "-m", "clarus_daemon", "adopt", name, "--config", str(config)],
        capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False,
    )  # fmt: skip
    inference_lab.engine.cli("rm", "-f", name)

    assert adopted.returncode == 0, adopted.stderr
    (entry,) = audit_rows(history)
    assert (entry["principal"], entry["client"], entry["action"], entry["subject"]) == (
        CLI_USER,
        "-",
        "adopt",
        name,
    )
    assert [a["inference_id"] for a in entry["details"]["adopted"]] == [name]


def test_model_pull_from_the_shell_is_audited_as_a_switch(
    mlflow_models: SeededModels, tmp_path: Path
) -> None:
    result = pull(tmp_path, mlflow_models.server.url, "UC_Energy", "--alias", "champion")
    assert result.returncode == 0, result.stderr

    (entry,) = audit_rows(tmp_path / "history.sqlite3")
    assert (entry["principal"], entry["client"], entry["action"], entry["subject"]) == (
        CLI_USER,
        "-",
        "model_switch",
        "UC_Energy",
    )
    assert (entry["outcome"], entry["details"]["version"]) == ("ok", "2")

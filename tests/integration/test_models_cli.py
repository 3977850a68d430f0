"""`clarus-daemon model pull EXP_ID` against the real MLflow server."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.mlflow_server import SeededModels

pytestmark = pytest.mark.integration


def pull(tmp_path: Path, tracking_uri: str, *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "clarus-daemon.toml"
    models_root = tmp_path / "models"
    config.write_text(
        f'[mlflow]\ntracking_uri = "{tracking_uri}"\nmodels_root = "{models_root}"\n'
        f'[history]\npath = "{tmp_path / "history.sqlite3"}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "CLARUS"))}
    return subprocess.run(
        [sys.executable, "-m", "clarus_daemon", "model", "pull", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_pull_fetches_and_prints_the_answer(mlflow_models: SeededModels, tmp_path: Path) -> None:
    result = pull(tmp_path, mlflow_models.server.url, "UC_Energy", "--alias", "champion")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["model"], answer["version"], answer["skipped"]) == ("UC_Energy", "2", False)
    assert os.readlink(tmp_path / "models" / "UC_Energy" / "current") == "2"

    again = pull(tmp_path, mlflow_models.server.url, "UC_Energy", "--alias", "champion")
    assert json.loads(again.stdout)["skipped"] is True


def test_pull_failure_exits_1_with_the_reason(mlflow_models: SeededModels, tmp_path: Path) -> None:
    result = pull(tmp_path, mlflow_models.server.url, "UC_Energy", "--stage", "staging")
    assert result.returncode == 1
    assert "no version in stage 'Staging'" in result.stderr
    assert json.loads(result.stdout)["error"] == "not_found"

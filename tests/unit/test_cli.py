"""`clarus-daemon check-config`: the effective configuration, secrets masked, exit 2 on errors."""

import json
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "clarus_daemon"]


def run_cli(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args, "--env-file", str(tmp_path / ".env")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        check=False,
    )


def test_check_config_prints_effective_settings_with_secrets_masked(tmp_path: Path) -> None:
    env = {
        "AIRFLOW_IP": "10.0.0.10",
        "AIRFLOW_PASSWORD": "top-secret",
        "MINIO_PASSWORD": "m-secret",
    }
    result = run_cli(tmp_path, "check-config", env=env)
    assert result.returncode == 0, result.stderr
    assert "top-secret" not in result.stdout
    assert "m-secret" not in result.stdout
    printed = json.loads(result.stdout)
    assert printed["airflow"]["password"] == "**********"
    assert printed["airflow"]["url"] == "http://10.0.0.10:8080/"


def test_check_config_exits_2_naming_the_bad_key(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[inference]\nhost_ip = 1\nbogus = true\n")
    result = run_cli(tmp_path, "check-config", "--config", str(config))
    assert result.returncode == 2
    assert "inference.bogus" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_config_rejects_a_bad_port_variable(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "check-config", env={"AIRFLOW_IP": "a", "AIRFLOW_PORT": "70000"})
    assert result.returncode == 2
    assert "AIRFLOW_PORT" in result.stderr


def test_serve_with_invalid_config_exits_2(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", env={"MINIO_BUCKET": "only-this"})
    assert result.returncode == 2
    assert "MINIO_REF_DATA" in result.stderr

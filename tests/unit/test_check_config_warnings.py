"""check-config warns about what would stop `serve`, and about old variables still missing."""

import json
import socket
from pathlib import Path

from tests.infra.kit_files import write_kit_files
from tests.unit.test_cli import run_cli

KIT_ENV = {
    "AIRFLOW_IP": "127.0.0.1",
    "AIRFLOW_PORT": "30007",
    "ID_AIRFLOW_DAG": "redwine_production_dag_over_k8s",
    "AIRFLOW_USER": "airflow",
    "AIRFLOW_PASSWORD": "secret",
    "MINIO_IP": "127.0.0.1",
    "MINIO_PORT": "9000",
    "MINIO_USER": "minio",
    "MINIO_PASSWORD": "secret",
    "MINIO_BUCKET": "datasets",
    "MINIO_REF_DATA": "uc_wine/winequality-red.csv",
    "MINIO_NEW_DATA": "uc_wine/winequality-red-new.csv",
    "MINIO_REPORT_PATH": "uc_wine_reports",
    "EXPERIMENT_ID": "Clarus_RedWine_experiment",
    "IDS_PROVIDER_IP": "127.0.0.1",
    "IDS_PROVIDER_PORT": "8082",
}


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "warning:" in line]


def test_the_kit_env_needs_nothing_more(tmp_path: Path) -> None:
    write_kit_files(tmp_path, KIT_ENV, {})
    result = run_cli(tmp_path, "check-config", "--insecure-no-auth")
    assert result.returncode == 0, result.stderr
    assert _warnings(result.stderr) == []
    printed = json.loads(result.stdout)
    assert printed["ids"]["url"] == "http://127.0.0.1:8082/"
    assert printed["ids"]["provider_ip"] == "127.0.0.1"
    assert printed["minio"]["endpoint"] == "127.0.0.1:9000"
    assert printed["drift"]["monitors"]["default"]["report_path"] == "uc_wine_reports"


def test_an_open_api_and_a_busy_port_are_announced(tmp_path: Path) -> None:
    write_kit_files(tmp_path, {**KIT_ENV, "IDS_PROVIDER_IP": ""}, {})
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        (tmp_path / "c.toml").write_text(
            f'[server]\nlisten = ["0.0.0.0:8081", "127.0.0.1:{busy}"]\n'
            '[docker]\nconfig_file = "/nonexistent/config.json"\n'
        )
        result = run_cli(tmp_path, "check-config", "--config", str(tmp_path / "c.toml"))
    warnings = _warnings(result.stderr)
    assert result.returncode == 0
    assert any("no API token" in w and "0.0.0.0:8081" in w for w in warnings)
    assert any(f"cannot listen on 127.0.0.1:{busy}" in w for w in warnings)
    assert any("add IDS_PROVIDER_IP" in w for w in warnings)
    assert any("/nonexistent/config.json is not a file" in w for w in warnings)

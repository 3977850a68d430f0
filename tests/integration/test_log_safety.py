"""A running daemon: a %0A in a path stays on its log line; URL credentials never show."""

from pathlib import Path

from tests.infra.daemon_process import http_get, start_daemon
from tests.infra.ports import free_port

SECRET = "hunter2-secret"


def test_log_lines_cannot_be_forged_and_credentials_stay_masked(tmp_path: Path) -> None:
    port, dead_port = free_port(), free_port()
    config = f"""
[server]
listen = ["127.0.0.1:{port}"]
compat_drift_listen = ""
[mlflow]
tracking_uri = "http://admin:{SECRET}@127.0.0.1:{dead_port}"
[ids]
url = "http://agent:{SECRET}@127.0.0.1:{dead_port}"
"""
    base = f"http://127.0.0.1:{port}"
    daemon = start_daemon(tmp_path, config, ping_url=f"{base}/api/ping")
    try:
        status, _ = http_get(f"{base}/api/nosuch%0A2026-01-01%20ERROR%20forged%20line")
        assert status == 404
        health_status, health = http_get(f"{base}/api/health")
        assert health_status == 200
        http_get(f"{base}/api/nosuch%1b%5b31m")
    finally:
        daemon.terminate()
    log = daemon.log()
    assert SECRET not in health.decode()
    assert SECRET not in log
    assert not any(line.startswith("2026-01-01 ERROR forged") for line in log.splitlines())
    assert "/api/nosuch\\n2026-01-01 ERROR forged line" in log
    assert "\x1b" not in log
    assert "\\x1b[31m" in log

"""A running daemon: a %0A in a path stays on its log line; URL credentials never show."""

import socket
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


def test_a_malformed_request_is_one_log_line_not_a_traceback(tmp_path: Path) -> None:
    port = free_port()
    config = f'[server]\nlisten = ["127.0.0.1:{port}"]\ncompat_drift_listen = ""\n'
    daemon = start_daemon(tmp_path, config, ping_url=f"http://127.0.0.1:{port}/api/ping")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /api/\xff\nforged HTTP/1.1\r\nHost: x\r\n\r\n")
            assert b" 400 " in sock.recv(64)
    finally:
        daemon.terminate()
    log = daemon.log()
    assert "refused a malformed request from 127.0.0.1" in log
    assert "Traceback" not in log

"""The daemon as a process: listeners, the compatibility port, clean shutdown."""

import json
import socket
from pathlib import Path

import pytest

from tests.infra.daemon_process import http_get, start_daemon
from tests.infra.drift_app import red_halves
from tests.infra.ports import free_port
from tests.infra.s3 import ACCESS_KEY, SECRET_KEY, S3Bucket, S3Server


def _config(listen: list[int], compat: int | None) -> str:
    addresses = ", ".join(f'"127.0.0.1:{p}"' for p in listen)
    compat_text = f"127.0.0.1:{compat}" if compat else ""
    return f'[server]\nlisten = [{addresses}]\ncompat_drift_listen = "{compat_text}"\n'


def test_sigterm_stops_cleanly_within_ten_seconds(tmp_path: Path) -> None:
    port = free_port()
    daemon = start_daemon(
        tmp_path, _config([port], None), ping_url=f"http://127.0.0.1:{port}/api/ping"
    )
    status, body = http_get(f"http://127.0.0.1:{port}/api/ping")
    assert (status, json.loads(body)) == (200, "OK")
    code, seconds = daemon.terminate()
    assert code == 0, daemon.log()
    assert seconds < 10
    assert "stopped" in daemon.log()


def test_every_route_answers_on_every_listener(tmp_path: Path) -> None:
    first, second = free_port(), free_port()
    daemon = start_daemon(
        tmp_path, _config([first, second], None), ping_url=f"http://127.0.0.1:{first}/api/ping"
    )
    try:
        for port in (first, second):
            assert http_get(f"http://127.0.0.1:{port}/api/ping")[0] == 200
            assert http_get(f"http://127.0.0.1:{port}/api/health")[0] == 200
    finally:
        daemon.terminate()


def test_old_drift_clients_reach_the_check_on_the_compat_port(
    tmp_path: Path, s3_server: S3Server, s3_bucket: S3Bucket
) -> None:
    reference, new = red_halves()
    s3_bucket.put("uc_wine/red.csv", reference)
    s3_bucket.put("uc_wine/red-new.csv", new)
    old_env = {
        "MINIO_IP": "127.0.0.1",
        "MINIO_PORT": str(s3_server.port),
        "MINIO_USER": ACCESS_KEY,
        "MINIO_PASSWORD": SECRET_KEY,
        "MINIO_BUCKET": s3_bucket.name,
        "MINIO_REF_DATA": "uc_wine/red.csv",
        "MINIO_NEW_DATA": "uc_wine/red-new.csv",
        "MINIO_REPORT_PATH": "uc_wine/reports",
    }
    port, compat = free_port(), free_port()
    daemon = start_daemon(
        tmp_path, _config([port], compat), ping_url=f"http://127.0.0.1:{port}/api/ping", env=old_env
    )
    try:
        assert "compatibility" in daemon.log()
        for listener in (port, compat):
            status, body = http_get(f"http://127.0.0.1:{listener}/api/detect_data_drift", 120)
            assert status == 200, body
            assert json.loads(body)["message"] == "Drift NOT detected"
    finally:
        daemon.terminate()


def test_busy_main_port_is_a_clear_startup_error(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        daemon = start_daemon(tmp_path, _config([busy], None), ping_url=None)
        code = daemon.process.wait(15)
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{busy}" in daemon.log()


@pytest.mark.parametrize("log_format", ["json"])
def test_json_log_lines_carry_the_request_id(tmp_path: Path, log_format: str) -> None:
    port = free_port()
    daemon = start_daemon(
        tmp_path,
        _config([port], None),
        ping_url=f"http://127.0.0.1:{port}/api/ping",
        args=["--log-format", log_format],
    )
    daemon.terminate()
    lines = [json.loads(line) for line in daemon.log().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "clarus_daemon.access"]
    assert access and all(len(line["request_id"]) == 32 for line in access)

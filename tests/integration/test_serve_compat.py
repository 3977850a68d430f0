"""The old drift detector's address the daemon adds by itself never stops a start."""

import json
import socket
from pathlib import Path

from tests.infra.daemon_process import http_get, start_daemon
from tests.infra.ports import free_port

OLD_DRIFT_ENV = {
    "MINIO_IP": "127.0.0.1",
    "MINIO_PORT": "9",
    "MINIO_BUCKET": "datasets",
    "MINIO_REF_DATA": "ref.csv",
    "MINIO_NEW_DATA": "new.csv",
}


def _health_warnings(port: int) -> list[str]:
    status, body = http_get(f"http://127.0.0.1:{port}/api/health", 10)
    assert status == 200, body
    warnings: list[str] = json.loads(body)["warnings"]
    return warnings


def test_host_option_moves_the_added_address_to_loopback(tmp_path: Path) -> None:
    port, compat = free_port(), free_port()
    daemon = start_daemon(
        tmp_path,
        f'[server]\ncompat_drift_listen = "{compat}"\n',
        ping_url=f"http://127.0.0.1:{port}/api/ping",
        env=OLD_DRIFT_ENV,
        args=["--host", "127.0.0.1", "--port", str(port)],
    )
    try:
        assert f"listening on http://127.0.0.1:{compat}" in daemon.log()
        assert http_get(f"http://127.0.0.1:{compat}/api/ping")[0] == 200
        assert not any("drift detector" in w for w in _health_warnings(port))
    finally:
        daemon.terminate()


def test_default_start_with_old_drift_variables_starts(tmp_path: Path) -> None:
    """The start the README shows, with the old variables set: :5000 is added or skipped."""
    port = free_port()
    daemon = start_daemon(
        tmp_path,
        "",
        ping_url=f"http://127.0.0.1:{port}/api/ping",
        env=OLD_DRIFT_ENV,
        args=["--host", "127.0.0.1", "--port", str(port)],
    )
    try:
        log = daemon.log()
        assert "0.0.0.0" not in log
        assert "127.0.0.1:5000" in log
    finally:
        daemon.terminate()


def test_busy_added_port_shows_in_health(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        daemon = start_daemon(
            tmp_path,
            f'[server]\nlisten = ["127.0.0.1:{port}"]\ncompat_drift_listen = "{busy}"\n',
            ping_url=f"http://127.0.0.1:{port}/api/ping",
            env=OLD_DRIFT_ENV,
        )
        try:
            assert f"compatibility address 127.0.0.1:{busy} skipped" in daemon.log()
            (warning,) = [w for w in _health_warnings(port) if "drift detector" in w]
            assert f"127.0.0.1:{busy}" in warning
        finally:
            daemon.terminate()


def test_added_address_beyond_loopback_without_token_is_skipped_not_fatal(
    tmp_path: Path,
) -> None:
    port, compat = free_port(), free_port()
    daemon = start_daemon(
        tmp_path,
        f'[server]\nlisten = ["127.0.0.1:{port}"]\ncompat_drift_listen = "0.0.0.0:{compat}"\n',
        ping_url=f"http://127.0.0.1:{port}/api/ping",
        env=OLD_DRIFT_ENV,
    )
    try:
        (warning,) = [w for w in _health_warnings(port) if "drift detector" in w]
        assert "without authentication" in warning
    finally:
        daemon.terminate()

"""The daemon under a Type=notify unit: READY=1 once it listens, heartbeats from its loop."""

import socket
import time
from pathlib import Path

from tests.infra.daemon_process import start_daemon
from tests.infra.ports import free_port


def test_systemd_hears_ready_and_the_watchdog(tmp_path: Path) -> None:
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify.sock"))
    notify.settimeout(10)
    port = free_port()
    config = f'[server]\nlisten = ["127.0.0.1:{port}"]\ncompat_drift_listen = ""\n'
    # WATCHDOG_PID is left out: systemd sets it only when the pid is known in advance
    environ = {"NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": "400000"}
    daemon = start_daemon(tmp_path, config, ping_url=None, env=environ)
    with notify:
        try:
            ready = notify.recv(4096).decode()
            started = time.monotonic()
            beats = [notify.recv(4096).decode() for _ in range(3)]
            elapsed = time.monotonic() - started
        finally:
            code, _ = daemon.terminate()
        stopping = notify.recv(4096).decode()
    assert ready == "READY=1\nSTATUS=serving"
    assert beats == ["WATCHDOG=1"] * 3
    assert elapsed < 1.5  # every 0.2 s: half the watchdog period
    assert (stopping, code) == ("STOPPING=1", 0)

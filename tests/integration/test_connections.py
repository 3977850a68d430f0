"""Idle sockets and slowloris clients neither starve /api/ping nor exhaust descriptors."""

import http.client
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.infra.daemon_process import DaemonProcess, start_daemon
from tests.infra.flood import SLOWLORIS_HEAD, Flood, FloodProcess, open_fds
from tests.infra.ports import free_port

CAP = 64
IDLE_TIMEOUT_S = 2
# asyncio accepts up to a listen backlog (128) of connections before the cap closes any
ACCEPT_BURST = 128


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[tuple[DaemonProcess, int]]:
    port = free_port()
    config = f"""
[server]
listen = ["127.0.0.1:{port}"]
compat_drift_listen = ""
idle_timeout_s = {IDLE_TIMEOUT_S}
max_connections = {CAP}
"""
    daemon = start_daemon(tmp_path, config, ping_url=f"http://127.0.0.1:{port}/api/ping")
    yield daemon, port
    daemon.terminate()


def _ping(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/api/ping")
        return connection.getresponse().status
    finally:
        connection.close()


def test_ping_answers_and_descriptors_stay_bounded_under_a_flood(
    daemon: tuple[DaemonProcess, int],
) -> None:
    process, port = daemon
    baseline = open_fds(process.process.pid)
    peak = baseline
    with FloodProcess(Flood(port, idle=300, slowloris=50)):
        time.sleep(1)
        for _ in range(40):
            assert _ping(port) == 200
            peak = max(peak, open_fds(process.process.pid))
            time.sleep(0.05)
    assert peak <= baseline + CAP + ACCEPT_BURST, peak
    assert "open connections at the cap" in process.log()


def test_a_slowloris_client_is_cut_off_after_the_idle_timeout(
    daemon: tuple[DaemonProcess, int],
) -> None:
    _, port = daemon
    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
        sock.sendall(SLOWLORIS_HEAD)
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < IDLE_TIMEOUT_S + 3:
            try:
                sock.sendall(b"X-Trickle: 1\r\n")
                closed = sock.recv(1024) == b""
            except TimeoutError:
                continue
            except OSError:
                closed = True
            if closed:
                break
        assert closed, "the daemon kept a trickling client open"
        assert time.monotonic() - started >= IDLE_TIMEOUT_S - 0.5

"""Idle sockets and slowloris clients neither starve /api/ping nor exhaust descriptors."""

import http.client
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.infra.daemon_process import DaemonProcess, start_daemon
from tests.infra.flood import SLOWLORIS_HEAD, Flood, FloodProcess, open_fds
from tests.infra.ports import free_port

IDLE_TIMEOUT_S = 2
IDLE, SLOWLORIS = 300, 50
# asyncio accepts up to a listen backlog (128) of connections before the cap closes any
ACCEPT_BURST = 128


@contextmanager
def daemon_with_cap(tmp_path: Path, cap: int) -> Iterator[tuple[DaemonProcess, int]]:
    port = free_port()
    config = f"""
[server]
listen = ["127.0.0.1:{port}"]
compat_drift_listen = ""
idle_timeout_s = {IDLE_TIMEOUT_S}
max_connections = {cap}
"""
    daemon = start_daemon(tmp_path, config, ping_url=f"http://127.0.0.1:{port}/api/ping")
    try:
        yield daemon, port
    finally:
        daemon.terminate()


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[tuple[DaemonProcess, int]]:
    with daemon_with_cap(tmp_path, 512) as running:
        yield running


def _ping(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/api/ping")
        return connection.getresponse().status
    finally:
        connection.close()


def _ping_through(process: DaemonProcess, port: int, pings: int, attempts: int) -> int:
    """Ping `pings` times (each up to `attempts` tries); the peak of the daemon's fds."""
    peak = open_fds(process.process.pid)
    for _ in range(pings):
        for attempt in range(attempts):
            try:
                assert _ping(port) == 200
                break
            except ConnectionError:
                if attempt == attempts - 1:
                    raise
        peak = max(peak, open_fds(process.process.pid))
        time.sleep(0.05)
    return peak


def test_every_ping_answers_while_idle_and_slowloris_clients_flood(
    daemon: tuple[DaemonProcess, int],
) -> None:
    process, port = daemon
    baseline = open_fds(process.process.pid)
    with FloodProcess(Flood(port, idle=IDLE, slowloris=SLOWLORIS)):
        time.sleep(1)
        peak = _ping_through(process, port, pings=40, attempts=1)
    assert peak <= baseline + IDLE + SLOWLORIS + ACCEPT_BURST, peak


def test_past_the_cap_descriptors_stay_bounded_and_ping_gets_through(tmp_path: Path) -> None:
    cap = 64
    with daemon_with_cap(tmp_path, cap) as (process, port):
        baseline = open_fds(process.process.pid)
        with FloodProcess(Flood(port, idle=IDLE, slowloris=SLOWLORIS)):
            time.sleep(1)
            # the flood takes every slot it is given: a client may be cut and retries
            peak = _ping_through(process, port, pings=20, attempts=5)
        assert peak <= baseline + cap + ACCEPT_BURST, peak
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

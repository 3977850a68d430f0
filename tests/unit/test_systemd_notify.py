"""The sd_notify messages, received on a real datagram socket as systemd would."""

import asyncio
import os
import socket
from pathlib import Path

from clarus_daemon.systemd_notify import Notifier, notifying


def _listener(tmp_path: Path) -> tuple[socket.socket, str]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = str(tmp_path / "notify.sock")
    sock.bind(path)
    sock.setblocking(False)
    return sock, path


def _received(sock: socket.socket) -> list[str]:
    found = []
    while True:
        try:
            found.append(sock.recv(4096).decode())
        except BlockingIOError:
            return found


async def test_ready_heartbeats_and_stopping(tmp_path: Path) -> None:
    sock, path = _listener(tmp_path)
    environ = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000", "WATCHDOG_PID": str(os.getpid())}
    with sock:
        async with notifying(Notifier(environ), "serving"):
            await asyncio.sleep(0.22)
        messages = _received(sock)
    assert messages[0] == "READY=1\nSTATUS=serving"
    assert messages[-1] == "STOPPING=1"
    assert messages[1:-1].count("WATCHDOG=1") >= 3  # every 50 ms: half the watchdog period


async def test_no_heartbeat_for_another_process(tmp_path: Path) -> None:
    sock, path = _listener(tmp_path)
    environ = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000", "WATCHDOG_PID": "1"}
    with sock:
        async with notifying(Notifier(environ), "serving"):
            await asyncio.sleep(0.12)
        assert _received(sock) == ["READY=1\nSTATUS=serving", "STOPPING=1"]


def test_silent_outside_systemd() -> None:
    Notifier({}).notify("READY=1")  # no socket named: nothing to tell, nothing raised

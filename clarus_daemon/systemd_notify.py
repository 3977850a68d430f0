"""Telling systemd how the daemon is doing, under a Type=notify unit with a watchdog.

The protocol is one datagram per message on the socket $NOTIFY_SOCKET names; that is
all libsystemd's sd_notify does, and its Python bindings need the C headers to build.
The watchdog heartbeat is a task on the event loop itself, so a loop that stalls stops
the heartbeat and systemd restarts the daemon (WatchdogSec=).
"""

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Mapping

log = logging.getLogger("clarus_daemon.systemd")

USEC_PER_S = 1_000_000


class Notifier:
    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        address = environ.get("NOTIFY_SOCKET", "")
        # an address starting with @ is in the abstract namespace
        self._address = "\0" + address[1:] if address.startswith("@") else address
        watchdog_usec = environ.get("WATCHDOG_USEC", "")
        watchdog_pid = environ.get("WATCHDOG_PID", str(os.getpid()))
        self.watchdog_s = (
            int(watchdog_usec) / USEC_PER_S
            if watchdog_usec.isdigit() and watchdog_pid == str(os.getpid())
            else None
        )

    def notify(self, message: str) -> None:
        if not self._address:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto(message.encode(), self._address)
        except OSError as err:
            log.warning("cannot tell systemd %r: %s", message, err)


async def _heartbeat(notifier: Notifier, interval_s: float) -> None:
    while True:
        notifier.notify("WATCHDOG=1")
        await asyncio.sleep(interval_s)


@contextlib.asynccontextmanager
async def notifying(notifier: Notifier, status: str) -> AsyncIterator[None]:
    """READY=1 and the heartbeat (at half the watchdog period) while the body runs."""
    notifier.notify(f"READY=1\nSTATUS={status}")
    heartbeat = (
        asyncio.create_task(_heartbeat(notifier, notifier.watchdog_s / 2), name="watchdog")
        if notifier.watchdog_s
        else None
    )
    try:
        yield
    finally:
        notifier.notify("STOPPING=1")
        if heartbeat is not None:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

"""Running the application on its listeners until SIGTERM or SIGINT."""

import asyncio
import logging
import signal

from aiohttp import web

from clarus_daemon.app import create_app
from clarus_daemon.config import Settings
from clarus_daemon.config.legacy_env import DEFAULT_MONITOR
from clarus_daemon.config.server import ListenAddress, parse_listen

log = logging.getLogger("clarus_daemon.server")


class StartupError(Exception):
    """The daemon cannot start; the message says why (e.g. a port in use)."""


def compat_listener(settings: Settings) -> ListenAddress | None:
    """The old drift detector's address, when the old drift variables are in use."""
    text = settings.server.compat_drift_listen
    if text is None or DEFAULT_MONITOR not in settings.drift.monitors:
        return None
    address = parse_listen(text)
    return None if address in settings.server.listen_addresses else address


async def _start_site(runner: web.AppRunner, address: ListenAddress) -> None:
    site = web.TCPSite(runner, address.host, address.port)
    await site.start()
    log.info("listening on http://%s", address)


async def _start_sites(runner: web.AppRunner, settings: Settings) -> None:
    for address in settings.server.listen_addresses:
        try:
            await _start_site(runner, address)
        except OSError as err:
            raise StartupError(f"cannot listen on {address}: {err.strerror}") from err
    compat = compat_listener(settings)
    if compat is None:
        return
    try:
        await _start_site(runner, compat)
        log.info("old drift detector address %s answers too (compatibility)", compat)
    except OSError as err:
        log.warning("compatibility address %s skipped: %s", compat, err.strerror)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Serve until `stop` is set (by default: on SIGTERM/SIGINT), then shut down cleanly."""
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    runner = web.AppRunner(
        create_app(settings),
        access_log=None,
        shutdown_timeout=settings.server.shutdown_timeout_s,
    )
    await runner.setup()
    try:
        await _start_sites(runner, settings)
        await stop.wait()
        log.info("stopping: finishing running requests")
    finally:
        await runner.cleanup()
        log.info("stopped")

"""Running the application on its listeners until SIGTERM or SIGINT."""

import asyncio
import logging
import signal
import ssl

from aiohttp import web

from clarus_daemon.app import create_app
from clarus_daemon.config import Settings
from clarus_daemon.config.server import ListenAddress
from clarus_daemon.connections import cap_connections, fit_descriptor_limit
from clarus_daemon.listeners import compat_listener, exposed_without_auth

log = logging.getLogger("clarus_daemon.server")


class StartupError(Exception):
    """The daemon cannot start; the message says why (e.g. a port in use)."""


async def _start_site(
    runner: web.AppRunner, address: ListenAddress, ssl_context: ssl.SSLContext | None
) -> None:
    site = web.TCPSite(runner, address.host, address.port, ssl_context=ssl_context)
    await site.start()
    log.info("listening on %s://%s", "https" if ssl_context else "http", address)


async def _start_sites(runner: web.AppRunner, settings: Settings) -> None:
    ssl_context = _ssl_context(settings)
    for address in settings.server.listen_addresses:
        try:
            await _start_site(runner, address, ssl_context)
        except OSError as err:
            raise StartupError(f"cannot listen on {address}: {err.strerror}") from err
    compat = compat_listener(settings)
    if compat is None:
        return
    try:
        await _start_site(runner, compat, ssl_context)
        log.info("old drift detector address %s answers too (compatibility)", compat)
    except OSError as err:
        log.warning("compatibility address %s skipped: %s", compat, err.strerror)


def _refuse_open_api(settings: Settings) -> None:
    exposed = exposed_without_auth(settings)
    if not exposed:
        return
    where = ", ".join(map(str, exposed))
    if not settings.auth.allow_insecure_no_auth:
        raise StartupError(
            f"no API token is configured and the daemon would listen on {where}: anyone "
            "reaching it could start containers. Configure [auth] tokens, listen on "
            "127.0.0.1, or pass --insecure-no-auth to accept the risk."
        )
    log.warning("API open without authentication on %s (--insecure-no-auth)", where)


def _ssl_context(settings: Settings) -> ssl.SSLContext | None:
    auth = settings.auth
    if auth.tls_cert is None or auth.tls_key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(auth.tls_cert, auth.tls_key)
    except (OSError, ssl.SSLError) as err:
        raise StartupError(f"auth.tls_cert/tls_key cannot be loaded: {err}") from err
    return context


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Serve until `stop` is set (by default: on SIGTERM/SIGINT), then shut down cleanly."""
    _refuse_open_api(settings)
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    runner = web.AppRunner(
        create_app(settings),
        access_log=None,
        shutdown_timeout=settings.server.shutdown_timeout_s,
        keepalive_timeout=settings.server.idle_timeout_s,
    )
    await runner.setup()
    assert runner.server is not None
    cap_connections(runner.server, fit_descriptor_limit(settings.server.max_connections))
    try:
        await _start_sites(runner, settings)
        await stop.wait()
        log.info("stopping: finishing running requests")
    finally:
        await runner.cleanup()
        log.info("stopped")

"""Running the application on its listeners until SIGTERM or SIGINT."""

import asyncio
import logging
import signal
import ssl

from aiohttp import web

from clarus_daemon import keys
from clarus_daemon.app import create_app
from clarus_daemon.config import Settings
from clarus_daemon.config.server import ListenAddress
from clarus_daemon.connections import cap_connections, fit_descriptor_limit
from clarus_daemon.first_run_token import FirstRunTokenError, with_first_run_token
from clarus_daemon.listeners import compat_blocked_by_auth, exposed_without_auth
from clarus_daemon.systemd_notify import Notifier, notifying

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
    ssl_context = tls_context(settings)
    for address in settings.server.listen_addresses:
        try:
            await _start_site(runner, address, ssl_context)
        except OSError as err:
            raise StartupError(f"cannot listen on {address}: {err.strerror}") from err
    await _start_compat_site(runner, settings, ssl_context)


async def _start_compat_site(
    runner: web.AppRunner, settings: Settings, ssl_context: ssl.SSLContext | None
) -> None:
    """The address the daemon adds by itself: whatever goes wrong, the start goes on."""
    status = runner.app[keys.COMPAT_LISTENER]
    compat = status.address
    if compat is None:
        return
    if compat_blocked_by_auth(settings, compat):
        status.problem = "it would answer beyond loopback without authentication"
    else:
        try:
            await _start_site(runner, compat, ssl_context)
        except OSError as err:
            status.problem = err.strerror or str(err)
    if status.problem is None:
        log.info("old drift detector address %s answers too (compatibility)", compat)
    else:
        log.warning("compatibility address %s skipped: %s", compat, status.problem)


def _warn_open_api(settings: Settings) -> None:
    """Only --insecure-no-auth leaves a listener beyond loopback without a token."""
    exposed = exposed_without_auth(settings)
    if exposed:
        where = ", ".join(map(str, exposed))
        log.warning("API open without authentication on %s (--insecure-no-auth)", where)


def _name_trusted_networks(settings: Settings) -> None:
    for network in settings.auth.trusted_networks:
        log.warning(
            "requests from %s are answered without a token, scope %s (auth.trusted_networks)",
            network.cidr,
            network.scope,
        )


def tls_context(settings: Settings) -> ssl.SSLContext | None:
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
    try:
        settings = with_first_run_token(settings)
    except FirstRunTokenError as err:
        raise StartupError(str(err)) from err
    _warn_open_api(settings)
    _name_trusted_networks(settings)
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
        async with notifying(Notifier(), "serving"):
            await stop.wait()
            log.info("stopping: finishing running requests")
    finally:
        await runner.cleanup()
        log.info("stopped")

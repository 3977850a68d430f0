"""Which addresses the daemon listens on, and which of them anyone could reach."""

import ipaddress

from clarus_daemon.config import Settings
from clarus_daemon.config.legacy_env import DEFAULT_MONITOR
from clarus_daemon.config.server import ListenAddress, parse_listen


def compat_listener(settings: Settings) -> ListenAddress | None:
    """The old drift detector's address, when the old drift variables are in use."""
    text = settings.server.compat_drift_listen
    if text is None or DEFAULT_MONITOR not in settings.drift.monitors:
        return None
    address = parse_listen(text)
    return None if address in settings.server.listen_addresses else address


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def exposed_without_auth(settings: Settings) -> list[ListenAddress]:
    """Listeners beyond loopback while no token is configured."""
    if settings.auth.tokens:
        return []
    compat = compat_listener(settings)
    addresses = [*settings.server.listen_addresses, *([compat] if compat else [])]
    return [a for a in addresses if not _is_loopback(a.host)]

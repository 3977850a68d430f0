"""Which addresses the daemon listens on, and which of them anyone could reach."""

import ipaddress
from dataclasses import dataclass

from clarus_daemon.config import Settings
from clarus_daemon.config.legacy_env import DEFAULT_MONITOR
from clarus_daemon.config.server import ListenAddress, parse_listen


@dataclass
class CompatListener:
    """The old drift detector's address the daemon adds by itself, and why it does not answer.

    Filled in at start-up; /api/health reports a skipped one, since an old client
    calling :5000 would otherwise only see a refused connection.
    """

    address: ListenAddress | None
    problem: str | None = None


def compat_listener(settings: Settings) -> ListenAddress | None:
    """The old drift detector's address, when the old drift variables are in use.

    A bare port follows the host of the first listener, so `--host 127.0.0.1` keeps
    the added address on loopback too.
    """
    text = settings.server.compat_drift_listen
    if text is None or DEFAULT_MONITOR not in settings.drift.monitors:
        return None
    if text.isdigit():
        address = ListenAddress(settings.server.listen_addresses[0].host, int(text))
    else:
        address = parse_listen(text)
    return None if address in settings.server.listen_addresses else address


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def exposed_without_auth(settings: Settings) -> list[ListenAddress]:
    """The operator's listeners beyond loopback while no token is configured."""
    if settings.auth.tokens:
        return []
    return [a for a in settings.server.listen_addresses if not is_loopback(a.host)]


def compat_blocked_by_auth(settings: Settings, address: ListenAddress) -> bool:
    """The added address would open the API beyond loopback where the operator did not."""
    return (
        not settings.auth.tokens
        and not settings.auth.allow_insecure_no_auth
        and not is_loopback(address.host)
    )

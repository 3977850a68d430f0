"""Free loopback ports and waiting for servers to answer."""

import asyncio
import random
import socket
import time
from collections.abc import Callable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


DEFAULT_HOST_PORTS = (7000, 9999)
"""inference.host_port_range as shipped: where a deploy may publish without configuration."""


def free_host_port(low: int = DEFAULT_HOST_PORTS[0], high: int = DEFAULT_HOST_PORTS[1]) -> int:
    """A free loopback port inside [low, high]: a forward port the default range admits.

    Tried in random order, so tests running at the same time rarely pick the same one.
    """
    candidates = list(range(low, high + 1))
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


def wait_until(check: Callable[[], bool], timeout_s: float, what: str, step_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step_s)
    raise TimeoutError(f"{what} not ready within {timeout_s:g} s")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


async def eventually(
    check: Callable[[], bool], timeout_s: float = 30.0, step_s: float = 0.05
) -> None:
    """Return once check() holds; polled, for states no event announces."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout_s:g} s")
        await asyncio.sleep(step_s)

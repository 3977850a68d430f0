"""Global caps on work a client can queue: past one, a clear 429 rather than a growing queue."""

from collections.abc import Iterator
from contextlib import contextmanager

from clarus_daemon.errors import DaemonError


class TooManyRequests(DaemonError):
    status = 429
    code = "too_many_requests"


class Admission:
    """At most `limit` operations of a kind running or waiting; the next is refused at once."""

    def __init__(self, what: str, limit: int, setting: str) -> None:
        self._what = what
        self._limit = limit
        self._setting = setting
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Operations of this kind running or waiting now."""
        return self._in_flight

    @contextmanager
    def enter(self) -> Iterator[None]:
        if self._in_flight >= self._limit:
            raise TooManyRequests(
                f"{self._limit} {self._what} are already running or waiting; try again later "
                f"(or raise {self._setting})",
                details={"limit": self._limit, "setting": self._setting},
            )
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1

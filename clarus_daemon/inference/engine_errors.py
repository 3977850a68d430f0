"""Turning Docker Engine failures into the daemon's errors.

aiodocker reports an engine it cannot reach as DockerError(900); that, a dropped
connection and a timeout mean the engine is down (503), anything else the engine
said is a 502 that quotes it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import aiodocker
from aiohttp import ClientError

from clarus_daemon.errors import DaemonError, UpstreamError, UpstreamUnavailable
from clarus_daemon.inference.errors import ENGINE

UNREACHABLE_STATUS = 900
NOT_FOUND_STATUS = 404
CONFLICT_STATUS = 409
NOT_MODIFIED_STATUS = 304


def engine_unreachable(err: BaseException) -> bool:
    if isinstance(err, aiodocker.DockerError):
        return err.status == UNREACHABLE_STATUS
    return isinstance(err, ClientError | OSError | TimeoutError)


def engine_error(err: BaseException, doing: str) -> DaemonError:
    if engine_unreachable(err):
        reason = err.message if isinstance(err, aiodocker.DockerError) else repr(err)
        return UpstreamUnavailable(ENGINE, f"The Docker Engine is unreachable ({doing}): {reason}")
    if isinstance(err, aiodocker.DockerError):
        return UpstreamError(
            ENGINE,
            f"The Docker Engine refused {doing}: {err.message}",
            details={"status": err.status},
        )
    return UpstreamError(ENGINE, f"{doing} failed: {err!r}")


@contextmanager
def engine_errors(doing: str) -> Iterator[None]:
    """Translate whatever the engine raises inside the block; daemon errors pass through."""
    try:
        yield
    except DaemonError:
        raise
    except (aiodocker.DockerError, ClientError, OSError, TimeoutError) as err:
        raise engine_error(err, doing) from err

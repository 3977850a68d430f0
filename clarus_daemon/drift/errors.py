"""Failures of a drift check that the common exception tree does not name."""

from collections.abc import Mapping
from typing import Any

from clarus_daemon.errors import DaemonError


class UnusableData(DaemonError):
    """The datasets are there but cannot be compared: bad CSV, different columns."""

    status = 422
    code = "unusable_data"

    def __reduce__(self) -> tuple[Any, ...]:
        # raised in the worker process: keep the details across pickling
        return (_rebuild, (type(self), self.message, self.details))


class MonitorMisconfigured(UnusableData):
    """The monitor's settings do not fit its data (unknown column or method)."""

    code = "monitor_misconfigured"


def _rebuild(cls: type[UnusableData], message: str, details: Mapping[str, Any]) -> UnusableData:
    return cls(message, details=details)


class OverMemoryBudget(DaemonError):
    """The datasets would need more memory than drift.memory_budget_mb allows."""

    status = 413
    code = "over_memory_budget"


class ReferenceNotCached(DaemonError):
    """The reference's cached summary went missing between lookup and use."""

    code = "reference_not_cached"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_plain, (type(self), self.message))


def _rebuild_plain(cls: type[DaemonError], message: str) -> DaemonError:
    return cls(message)


class NotConfigured(DaemonError):
    """Drift detection lacks configuration; the message says which keys to set."""

    status = 503
    code = "not_configured"


class ScratchSpaceError(DaemonError):
    """The datasets cannot be written to the temporary directory (full disk, mostly)."""

    status = 507
    code = "insufficient_storage"


class WorkerFailed(DaemonError):
    """The detection worker process died (out of memory, killed) or hit a bug."""

    status = 500
    code = "drift_worker_failed"


class StepFailed(DaemonError):
    """A step after the drift decision failed; details say which and what was done."""

    status = 502
    code = "drift_step_failed"

"""The drift checks the API, the command line and the scheduler start.

Every check that gets to run ends with one drift_run event, failed or not; its
details are the run's summary plus, on failure, the step and the error.
"""

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from clarus_daemon.config.drift import MonitorSettings
from clarus_daemon.config.legacy_env import DEFAULT_MONITOR
from clarus_daemon.drift.errors import NotConfigured
from clarus_daemon.drift.locks import MonitorLocks
from clarus_daemon.drift.pipeline import DriftPipeline
from clarus_daemon.drift.summary import DriftSummary
from clarus_daemon.errors import DaemonError, InvalidRequest, NotFound, UpstreamUnavailable
from clarus_daemon.events import Event, Events

log = logging.getLogger("clarus_daemon.drift")

TRIGGER_MANUAL = "manual"
HOW_TO_CONFIGURE = (
    "set MINIO_BUCKET, MINIO_REF_DATA and MINIO_NEW_DATA (the 'default' monitor), "
    "or add [drift.monitors.<name>] sections to the configuration file"
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _failure(err: Exception) -> dict[str, object]:
    if isinstance(err, DaemonError):
        return {
            "failed_step": err.details.get("failed_step"),
            "error": err.message,
            "error_code": err.code,
        }
    return {"error": f"{type(err).__name__}: {err}", "error_code": "internal_error"}


class DriftService:
    def __init__(
        self,
        monitors: Mapping[str, MonitorSettings],
        pipeline: DriftPipeline | None,
        events: Events,
        *,
        concurrency: int,
        lock_dir: Path | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._monitors = monitors
        self._pipeline = pipeline
        self._events = events
        self._locks = MonitorLocks(concurrency, lock_dir)
        self._clock = clock

    def monitor_name(self, requested: str | None) -> str:
        """The monitor a request means: the one named, else 'default' or the only one."""
        if not self._monitors:
            raise NotConfigured(f"No drift monitor is configured: {HOW_TO_CONFIGURE}")
        if requested is not None:
            self._settings(requested)
            return requested
        if DEFAULT_MONITOR in self._monitors:
            return DEFAULT_MONITOR
        if len(self._monitors) == 1:
            return next(iter(self._monitors))
        raise InvalidRequest(
            "Several drift monitors are configured and none is 'default': name one with "
            f"?monitor= ({', '.join(sorted(self._monitors))})",
            details={"monitors": sorted(self._monitors)},
        )

    def _settings(self, name: str) -> MonitorSettings:
        settings = self._monitors.get(name)
        if settings is None:
            raise NotFound(
                f"No drift monitor {name!r}; configured: {', '.join(sorted(self._monitors))}",
                details={"monitor": name, "monitors": sorted(self._monitors)},
            )
        return settings

    def busy(self, monitor: str) -> bool:
        return self._locks.busy(monitor)

    async def run(
        self, monitor: str, *, trigger: str, wait: bool, report: bool = False
    ) -> DriftSummary:
        """Check `monitor` now; Conflict at once if it is being checked and not `wait`.

        report: save Evidently's report even when there is no drift."""
        settings = self._settings(monitor)
        if self._pipeline is None:
            raise UpstreamUnavailable(
                "minio", "MinIO is not configured: set minio.endpoint (MINIO_IP, MINIO_PORT)"
            )
        async with self._locks.hold(monitor, wait=wait):
            return await self._run(self._pipeline, monitor, settings, trigger, report)

    async def _run(
        self,
        pipeline: DriftPipeline,
        name: str,
        settings: MonitorSettings,
        trigger: str,
        report: bool,
    ) -> DriftSummary:
        summary = DriftSummary(
            monitor=name,
            trigger=trigger,
            started_at=self._clock(),
            bucket=settings.bucket,
            reference=settings.reference,
            new_data=settings.new_data,
        )
        started = time.perf_counter()
        try:
            await pipeline.run(name, settings, summary, report=report)
        except Exception as err:
            summary.duration_s = round(time.perf_counter() - started, 3)
            await self._emit(summary, "failed", summary.event_details(_failure(err)))
            raise
        summary.duration_s = round(time.perf_counter() - started, 3)
        await self._emit(summary, summary.outcome, summary.event_details())
        return summary

    async def _emit(self, summary: DriftSummary, outcome: str, details: dict[str, object]) -> None:
        event = Event("drift_run", summary.monitor, outcome, details, started_at=summary.started_at)
        await self._events.emit(event)

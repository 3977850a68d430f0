"""One APScheduler job per scheduled monitor, on the daemon's event loop.

Runs never overlap: APScheduler starts at most one instance of a monitor's job,
and the job asks the drift pipeline not to wait for the monitor's lock, so a
scheduled run that finds a manual one going is skipped and counted, not stacked.
Outcomes come from the drift_run events (manual runs included): a monitor whose
runs keep failing is paused, exponentially longer, up to scheduler.backoff_max_s.
"""

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobSubmissionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from clarus_daemon.config import Settings
from clarus_daemon.errors import Conflict, DaemonError
from clarus_daemon.events import Event
from clarus_daemon.scheduler.runner import TRIGGER_SCHEDULED, DriftRunner
from clarus_daemon.scheduler.state import MonitorState
from clarus_daemon.scheduler.triggers import build_trigger

log = logging.getLogger("clarus_daemon.scheduler")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class DriftScheduler:
    def __init__(self, settings: Settings, *, clock: Clock = utc_now) -> None:
        self._policy = settings.scheduler
        self._monitors = settings.drift.monitors
        self._states = {
            name: MonitorState(name, monitor.schedule) for name, monitor in self._monitors.items()
        }
        self._clock = clock
        self._scheduler: AsyncIOScheduler | None = None
        self._runner: DriftRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    @property
    def states(self) -> Mapping[str, MonitorState]:
        return self._states

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def now(self) -> datetime:
        return self._clock()

    def start(self, runner: DriftRunner) -> None:
        """Schedule every monitor that has a schedule; call on the running loop."""
        scheduled = {name: m for name, m in self._monitors.items() if m.schedule}
        if not self._policy.enabled or not scheduled:
            return
        self._runner = runner
        # APScheduler narrates every run at INFO and every skip as a WARNING; this
        # module logs one line per skip and each run ends in a drift_run event line.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        timezone = ZoneInfo(self._policy.timezone)
        scheduler = AsyncIOScheduler(
            timezone=timezone,
            job_defaults={
                "misfire_grace_time": self._policy.misfire_grace_s,
                "coalesce": self._policy.coalesce,
                "max_instances": 1,
            },
        )
        for name, monitor in scheduled.items():
            assert monitor.schedule is not None
            jitter = monitor.schedule_jitter_s
            trigger = build_trigger(
                monitor.schedule, timezone, self._policy.jitter_s if jitter is None else jitter
            )
            scheduler.add_job(self._fire, trigger, args=[name], id=name, name=f"drift:{name}")
        scheduler.add_listener(
            self._on_job_event, EVENT_JOB_SUBMITTED | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
        )
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduled drift checks: %s", ", ".join(sorted(scheduled)))

    async def shutdown(self) -> None:
        """Stop firing, then cancel the runs in flight and wait for them to unwind."""
        self._stopping = True
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def next_run_at(self, monitor: str) -> datetime | None:
        job = self._scheduler.get_job(monitor) if self._scheduler else None
        return None if job is None else job.next_run_time

    async def emit(self, event: Event) -> None:
        """EventSink: learn each run's outcome, whoever started it."""
        if event.kind == "drift_run" and event.subject in self._states:
            self.remember(event.subject, event.outcome, event.ended_at)
            self._warn_if_paused(self._states[event.subject])

    def remember(self, monitor: str, outcome: str, ended_at: datetime) -> None:
        """Count a run's outcome; also how a restart recovers failures from the history."""
        self._states[monitor].record_outcome(
            outcome, ended_at, self._policy.backoff_base_s, self._policy.backoff_max_s
        )

    def _warn_if_paused(self, state: MonitorState) -> None:
        if state.backoff_until is not None:
            log.warning(
                "drift monitor %s failed %d times in a row; scheduled runs pause until %s",
                state.name,
                state.consecutive_failures,
                state.backoff_until.isoformat(timespec="seconds"),
            )

    async def _fire(self, monitor: str) -> None:
        if self._stopping:
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._run_once(monitor)
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            log.info("scheduled drift check of %s cancelled: the daemon stops", monitor)
        finally:
            self._tasks.discard(task)

    async def _run_once(self, monitor: str) -> None:
        state = self._states[monitor]
        now = self._clock()
        if state.in_backoff(now):
            self._skip(state, "backoff", now)
            return
        assert self._runner is not None
        recorded = state.outcomes_recorded
        try:
            await self._runner.run(monitor, trigger=TRIGGER_SCHEDULED, wait=False)
        except Conflict:
            self._skip(state, "busy", now)
            return
        except DaemonError as err:
            log.warning("scheduled drift check of %s failed: %s", monitor, err.message)
            self._count_unannounced_failure(state, recorded)
        except Exception:
            log.exception("scheduled drift check of %s failed", monitor)
            self._count_unannounced_failure(state, recorded)

    def _count_unannounced_failure(self, state: MonitorState, recorded: int) -> None:
        # A run refused before it began (nothing configured, say) ends without an
        # event; uncounted, the monitor would be retried at every tick.
        if state.outcomes_recorded == recorded:
            self.remember(state.name, "failed", self._clock())
            self._warn_if_paused(state)

    def _skip(self, state: MonitorState, reason: str, at: datetime) -> None:
        state.record_skip(reason, at)
        log.info("scheduled drift check of %s skipped: %s", state.name, reason)

    def _on_job_event(self, event: JobEvent) -> None:
        state = self._states.get(event.job_id)
        if state is None:
            return
        now = self._clock()
        if event.code == EVENT_JOB_MAX_INSTANCES:
            self._skip(state, "still_running", now)
        elif event.code == EVENT_JOB_MISSED:
            self._skip(state, "missed", now)
        elif isinstance(event, JobSubmissionEvent):
            state.last_fired_at = now
            state.last_lag_s = max(0.0, (now - event.scheduled_run_times[-1]).total_seconds())

"""Each monitor at a glance: its configuration, last run, next run and backoff."""

from collections.abc import Callable, Mapping
from typing import Any

from clarus_daemon.config.drift import MonitorSettings
from clarus_daemon.history.records import DriftRunRecord
from clarus_daemon.history.views import drift_run_view, iso
from clarus_daemon.scheduler.service import DriftScheduler
from clarus_daemon.scheduler.state import MonitorState


def _schedule_view(state: MonitorState, scheduler: DriftScheduler) -> dict[str, Any]:
    now = scheduler.now()
    return {
        "active": scheduler.next_run_at(state.name) is not None,
        "consecutive_failures": state.consecutive_failures,
        "backoff_until": iso(state.paused_until(now)),
        "last_fired_at": iso(state.last_fired_at),
        "last_lag_s": state.last_lag_s,
        "skipped": dict(state.skipped),
        "last_skip_at": iso(state.last_skip_at),
        "last_skip_reason": state.last_skip_reason,
    }


def monitor_overviews(
    monitors: Mapping[str, MonitorSettings],
    scheduler: DriftScheduler,
    latest: Mapping[str, DriftRunRecord],
    running: Callable[[str], bool],
) -> list[dict[str, Any]]:
    overviews = []
    for name, monitor in sorted(monitors.items()):
        last = latest.get(name)
        overviews.append(
            {
                "name": name,
                "config": monitor.model_dump(mode="json"),
                "schedule": monitor.schedule,
                "running": running(name),
                "next_run_at": iso(scheduler.next_run_at(name)),
                "last_run": None if last is None else drift_run_view(last, with_columns=False),
                "scheduler": _schedule_view(scheduler.states[name], scheduler),
            }
        )
    return overviews


def backoff_report(scheduler: DriftScheduler) -> dict[str, dict[str, Any]]:
    """Scheduled monitors paused after failures, for /api/health."""
    now = scheduler.now()
    return {
        name: {"consecutive_failures": state.consecutive_failures, "until": iso(until)}
        for name, state in scheduler.states.items()
        if (until := state.paused_until(now)) is not None
    }

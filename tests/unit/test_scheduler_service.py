"""The scheduler on a real event loop with a stand-in drift pipeline.

The stand-in keeps the pipeline's contract: one lock per monitor (wait=False on a
busy monitor raises Conflict) and one drift_run event at the end of every run.
"""

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clarus_daemon.config import Settings
from clarus_daemon.errors import Conflict, UpstreamError, UpstreamUnavailable
from clarus_daemon.events import Event, Events
from clarus_daemon.scheduler.runner import TRIGGER_MANUAL
from clarus_daemon.scheduler.service import DriftScheduler
from clarus_daemon.scheduler.state import backoff_delay


class StandInPipeline:
    def __init__(self, events: Events, duration_s: float, outcome: str = "no_drift") -> None:
        self.events = events
        self.duration_s = duration_s
        self.outcome = outcome
        self.locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.active = 0
        self.most_active = 0
        self.runs: list[tuple[str, str]] = []

    async def run(self, monitor: str, *, trigger: str, wait: bool) -> dict[str, Any]:
        lock = self.locks[monitor]
        if lock.locked() and not wait:
            raise Conflict(f"drift monitor {monitor} is being checked already")
        async with lock:
            started = datetime.now(UTC)
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            self.runs.append((monitor, trigger))
            try:
                await asyncio.sleep(self.duration_s)
            finally:
                self.active -= 1
            details = {"trigger": trigger, "share": 0.1}
            await self.events.emit(Event("drift_run", monitor, self.outcome, details, started))
            if self.outcome == "failed":
                raise UpstreamError("s3", "NoSuchKey")
            return details


def settings(schedule: str = "0.2s", **scheduler: Any) -> Settings:
    monitor = {"bucket": "b", "reference": "r.csv", "new_data": "n.csv", "schedule": schedule}
    return Settings.model_validate(
        {"drift": {"monitors": {"wine": monitor}}, "scheduler": scheduler}
    )


async def started(
    config: Settings, duration_s: float, outcome: str = "no_drift"
) -> tuple[DriftScheduler, StandInPipeline]:
    events = Events()
    scheduler = DriftScheduler(config)
    events.add_sink(scheduler)
    pipeline = StandInPipeline(events, duration_s, outcome)
    scheduler.start(pipeline)
    return scheduler, pipeline


async def test_a_short_interval_runs_repeatedly_and_never_overlaps_a_slow_run() -> None:
    scheduler, pipeline = await started(settings("0.2s"), duration_s=0.5)
    try:
        await asyncio.sleep(1.9)
    finally:
        await scheduler.shutdown()
    assert len(pipeline.runs) >= 2
    assert pipeline.most_active == 1
    assert all(trigger == "scheduled" for _, trigger in pipeline.runs)
    state = scheduler.states["wine"]
    assert state.skipped["still_running"] >= 2
    assert state.last_lag_s is not None and state.last_lag_s < 0.5


async def test_a_scheduled_run_during_a_manual_one_is_skipped_not_stacked() -> None:
    scheduler, pipeline = await started(settings("0.2s"), duration_s=0.05)
    try:
        await asyncio.sleep(0.3)
        runs_before = len(pipeline.runs)
        pipeline.duration_s = 1.0
        await pipeline.run("wine", trigger=TRIGGER_MANUAL, wait=True)
        pipeline.duration_s = 0.05
    finally:
        await scheduler.shutdown()
    assert pipeline.most_active == 1
    assert pipeline.runs[runs_before] == ("wine", "manual")
    assert scheduler.states["wine"].skipped["busy"] >= 3
    assert scheduler.states["wine"].last_skip_reason == "busy"


async def test_a_failing_monitor_backs_off_until_a_run_succeeds() -> None:
    config = settings("0.1s", backoff_base_s=30, backoff_max_s=60)
    scheduler, pipeline = await started(config, duration_s=0.01, outcome="failed")
    try:
        await asyncio.sleep(0.6)
        state = scheduler.states["wine"]
        assert len(pipeline.runs) == 1
        assert state.consecutive_failures == 1
        assert state.backoff_until is not None
        assert state.skipped["backoff"] >= 3
        pipeline.outcome = "no_drift"
        await pipeline.run("wine", trigger=TRIGGER_MANUAL, wait=True)
        assert (state.consecutive_failures, state.backoff_until) == (0, None)
        await asyncio.sleep(0.35)
        assert pipeline.runs[-1] == ("wine", "scheduled")
    finally:
        await scheduler.shutdown()


def test_backoff_doubles_per_failure_up_to_its_cap() -> None:
    delays = [backoff_delay(n, 60, 3600).total_seconds() for n in range(9)]
    assert delays == [0, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert backoff_delay(10_000, 60, 3600) == timedelta(hours=1)


async def test_outcomes_from_events_drive_the_backoff_with_a_controlled_clock() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    scheduler = DriftScheduler(settings("1h", backoff_base_s=60), clock=lambda: now)
    state = scheduler.states["wine"]
    for failures in (1, 2, 3):
        await scheduler.emit(Event("drift_run", "wine", "failed", ended_at=now))
        assert state.backoff_until == now + timedelta(minutes=2 ** (failures - 1))
    assert state.in_backoff(now + timedelta(minutes=3, seconds=59))
    assert not state.in_backoff(now + timedelta(minutes=4))
    await scheduler.emit(Event("deploy", "wine", "failed", ended_at=now))
    await scheduler.emit(Event("drift_run", "other", "failed", ended_at=now))
    assert state.consecutive_failures == 3


async def test_shutdown_cancels_a_run_in_flight_and_stops_firing() -> None:
    scheduler, pipeline = await started(settings("0.1s"), duration_s=30)
    await asyncio.sleep(0.3)
    assert pipeline.active == 1
    await asyncio.wait_for(scheduler.shutdown(), 2)
    assert pipeline.active == 0
    runs = len(pipeline.runs)
    await asyncio.sleep(0.3)
    assert len(pipeline.runs) == runs == 1


@pytest.mark.parametrize(
    "config",
    [
        settings("5m", enabled=False),
        Settings.model_validate(
            {"drift": {"monitors": {"wine": {"bucket": "b", "reference": "r", "new_data": "n"}}}}
        ),
    ],
    ids=["disabled", "no-schedule"],
)
async def test_nothing_is_scheduled_when_nothing_should_be(config: Settings) -> None:
    scheduler, _ = await started(config, duration_s=0)
    assert not scheduler.running
    assert scheduler.next_run_at("wine") is None
    await scheduler.shutdown()


async def test_next_run_time_follows_the_cron_expression() -> None:
    scheduler, _ = await started(settings("*/5 * * * *"), duration_s=0)
    try:
        due = scheduler.next_run_at("wine")
        assert due is not None
        assert due.minute % 5 == 0 and due.second == 0
        assert timedelta(0) < due - datetime.now(UTC) <= timedelta(minutes=5)
    finally:
        await scheduler.shutdown()


class UnconfiguredPipeline:
    """Refuses every run before it begins, as the service does without MinIO: no event."""

    def __init__(self) -> None:
        self.calls = 0

    async def run(self, monitor: str, *, trigger: str, wait: bool) -> None:
        self.calls += 1
        raise UpstreamUnavailable("minio", "MinIO is not configured")


async def test_a_run_refused_before_it_began_still_counts_towards_the_backoff() -> None:
    scheduler = DriftScheduler(settings("0.1s", backoff_base_s=30))
    pipeline = UnconfiguredPipeline()
    scheduler.start(pipeline)
    try:
        await asyncio.sleep(0.5)
    finally:
        await scheduler.shutdown()
    state = scheduler.states["wine"]
    assert pipeline.calls == 1
    assert (state.consecutive_failures, state.last_outcome) == (1, "failed")
    assert state.skipped["backoff"] >= 2

"""Metrics derived from events, and a registry per application."""

from datetime import UTC, datetime, timedelta

from prometheus_client import generate_latest

from clarus_daemon.config import Settings
from clarus_daemon.events import Event
from clarus_daemon.metrics.registry import DaemonMetrics
from clarus_daemon.metrics.scheduler_collector import SchedulerCollector
from clarus_daemon.metrics.sink import MetricsSink
from clarus_daemon.scheduler.service import DriftScheduler

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def value(metrics: DaemonMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


async def test_drift_runs_become_counts_shares_and_column_scores() -> None:
    metrics = DaemonMetrics()
    sink = MetricsSink(metrics)
    details = {
        "trigger": "scheduled",
        "share": 0.5,
        "columns": {
            "alcohol": {"drifted": True, "score": 0.01},
            "ph": {"drifted": False, "score": 0.4},
        },
    }
    await sink.emit(Event("drift_run", "wine", "drift", details, T0 - timedelta(seconds=4), T0))
    await sink.emit(Event("drift_run", "wine", "failed", {"trigger": "manual"}, None, T0))
    runs = "clarus_drift_runs_total"
    assert value(metrics, runs, monitor="wine", trigger="scheduled", outcome="drift") == 1
    assert value(metrics, runs, monitor="wine", trigger="manual", outcome="failed") == 1
    assert value(metrics, "clarus_drift_share", monitor="wine") == 0.5
    assert value(metrics, "clarus_drift_column_score", monitor="wine", column="ph") == 0.4
    assert value(metrics, "clarus_drift_column_drifted", monitor="wine", column="alcohol") == 1
    assert value(metrics, "clarus_drift_run_duration_seconds_sum", monitor="wine") == 4
    assert value(metrics, "clarus_drift_last_run_timestamp_seconds", monitor="wine") == (
        T0.timestamp()
    )


async def test_deploys_and_model_fetches_are_counted() -> None:
    metrics = DaemonMetrics()
    sink = MetricsSink(metrics)
    await sink.emit(Event("deploy", "inf", "ok"))
    await sink.emit(Event("replace", "inf", "rolled_back"))
    await sink.emit(Event("model_fetch", "exp", "ok", {"bytes": 1000, "skipped": False}))
    await sink.emit(Event("model_fetch", "exp", "unchanged", {"bytes": 1000, "skipped": True}))
    await sink.emit(Event("model_fetch", "exp", "failed", {"error": "not_found"}))
    assert value(metrics, "clarus_deploys_total", kind="deploy", outcome="ok") == 1
    assert value(metrics, "clarus_deploys_total", kind="replace", outcome="rolled_back") == 1
    assert value(metrics, "clarus_model_fetches_total", outcome="unchanged") == 1
    assert value(metrics, "clarus_model_fetch_bytes_total") == 1000
    assert value(metrics, "clarus_events_total", kind="model_fetch", outcome="failed") == 1


async def test_two_apps_never_count_into_each_other() -> None:
    first, second = DaemonMetrics(), DaemonMetrics()
    await MetricsSink(first).emit(Event("deploy", "inf", "ok"))
    assert value(first, "clarus_deploys_total", kind="deploy", outcome="ok") == 1
    assert value(second, "clarus_deploys_total", kind="deploy", outcome="ok") is None


async def test_scheduler_state_is_exported_at_scrape_time() -> None:
    settings = Settings.model_validate(
        {
            "drift": {
                "monitors": {
                    "wine": {"bucket": "b", "reference": "r", "new_data": "n", "schedule": "1h"},
                    "adhoc": {"bucket": "b", "reference": "r", "new_data": "n"},
                }
            }
        }
    )
    scheduler = DriftScheduler(settings)
    metrics = DaemonMetrics()
    metrics.registry.register(SchedulerCollector(scheduler))
    state = scheduler.states["wine"]
    state.last_lag_s = 0.25
    state.record_skip("busy", T0)
    await scheduler.emit(Event("drift_run", "wine", "failed", ended_at=T0))
    assert value(metrics, "clarus_scheduler_lag_seconds", monitor="wine") == 0.25
    assert value(metrics, "clarus_scheduler_consecutive_failures", monitor="wine") == 1
    assert value(metrics, "clarus_scheduler_skipped_runs_total", monitor="wine", reason="busy") == 1
    assert b'monitor="adhoc"' not in generate_latest(metrics.registry)

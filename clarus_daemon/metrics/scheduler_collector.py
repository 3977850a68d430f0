"""Scheduler metrics read from its state at scrape time, so it never imports Prometheus."""

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from clarus_daemon.scheduler.service import DriftScheduler


class SchedulerCollector(Collector):
    def __init__(self, scheduler: DriftScheduler) -> None:
        self._scheduler = scheduler

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        lag = GaugeMetricFamily(
            "clarus_scheduler_lag_seconds",
            "How late the monitor's last scheduled run started.",
            labels=["monitor"],
        )
        failures = GaugeMetricFamily(
            "clarus_scheduler_consecutive_failures",
            "Failed runs in a row; scheduled runs back off while this is above 0.",
            labels=["monitor"],
        )
        next_run = GaugeMetricFamily(
            "clarus_scheduler_next_run_timestamp_seconds",
            "When the monitor's next scheduled run is due.",
            labels=["monitor"],
        )
        skipped = CounterMetricFamily(
            "clarus_scheduler_skipped_runs",
            "Scheduled runs not started: busy, backoff, still_running or missed.",
            labels=["monitor", "reason"],
        )
        for name, state in self._scheduler.states.items():
            if state.schedule is None:
                continue
            if state.last_lag_s is not None:
                lag.add_metric([name], state.last_lag_s)
            failures.add_metric([name], state.consecutive_failures)
            if (due := self._scheduler.next_run_at(name)) is not None:
                next_run.add_metric([name], due.timestamp())
            for reason, count in state.skipped.items():
                skipped.add_metric([name, reason], count)
        yield from (lag, failures, next_run, skipped)

"""Metrics derived from the daemon's events, so services never touch Prometheus."""

from collections.abc import Mapping
from typing import Any

from clarus_daemon.events import Event
from clarus_daemon.history.drift_fields import drift_fields
from clarus_daemon.metrics.registry import DaemonMetrics

DEPLOY_KINDS = frozenset({"deploy", "replace", "rollback", "remove"})


def _downloaded_bytes(details: Mapping[str, Any]) -> int:
    # A version already on disk is switched to without downloading anything.
    size = details.get("bytes")
    if details.get("skipped") or isinstance(size, bool) or not isinstance(size, int):
        return 0
    return max(size, 0)


class MetricsSink:
    def __init__(self, metrics: DaemonMetrics) -> None:
        self._metrics = metrics

    async def emit(self, event: Event) -> None:
        self._metrics.events.labels(event.kind, event.outcome).inc()
        if event.kind in DEPLOY_KINDS:
            self._metrics.deploys.labels(event.kind, event.outcome).inc()
        elif event.kind == "model_fetch":
            self._metrics.model_fetches.labels(event.outcome).inc()
            self._metrics.model_fetch_bytes.inc(_downloaded_bytes(event.details))
        elif event.kind == "drift_run":
            self._drift_run(event)

    def _drift_run(self, event: Event) -> None:
        m, monitor = self._metrics, event.subject
        fields = drift_fields(event.details, event.outcome)
        m.drift_runs.labels(monitor, fields.trigger, event.outcome).inc()
        m.drift_last_run.labels(monitor).set(event.ended_at.timestamp())
        if event.started_at is not None:
            duration = (event.ended_at - event.started_at).total_seconds()
            m.drift_run_duration.labels(monitor).observe(max(duration, 0.0))
        if fields.drift_share is not None:
            m.drift_share.labels(monitor).set(fields.drift_share)
        for column, summary in fields.columns.items():
            score, drifted = summary.get("score"), summary.get("drifted")
            if isinstance(score, int | float) and not isinstance(score, bool):
                m.drift_column_score.labels(monitor, column).set(score)
            if isinstance(drifted, bool):
                m.drift_column_drifted.labels(monitor, column).set(int(drifted))

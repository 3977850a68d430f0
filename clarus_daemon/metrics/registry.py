"""Every metric the daemon exports, in a registry of its own.

A registry per application (not prometheus_client's global one) keeps two apps in
one process, as in tests, from counting into each other.
"""

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# Drift checks run for seconds to minutes; HTTP calls for milliseconds to seconds.
_RUN_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)


def _counter(registry: CollectorRegistry, name: str, doc: str, labels: list[str]) -> Counter:
    return Counter(name, doc, labels, registry=registry)


def _gauge(registry: CollectorRegistry, name: str, doc: str, labels: list[str]) -> Gauge:
    return Gauge(name, doc, labels, registry=registry)


@dataclass
class DaemonMetrics:
    registry: CollectorRegistry = field(
        default_factory=lambda: CollectorRegistry(auto_describe=True)
    )

    def __post_init__(self) -> None:
        r = self.registry
        self.http_requests = _counter(
            r, "clarus_http_requests", "HTTP requests answered.", ["method", "route", "status"]
        )
        self.http_latency = Histogram(
            "clarus_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["method", "route", "status"],
            registry=r,
        )
        self.events = _counter(
            r, "clarus_events", "Operations ended, by kind.", ["kind", "outcome"]
        )
        self.deploys = _counter(
            r, "clarus_deploys", "Inference deployments and their undoing.", ["kind", "outcome"]
        )
        self.drift_runs = _counter(
            r, "clarus_drift_runs", "Drift checks run.", ["monitor", "trigger", "outcome"]
        )
        self.drift_run_duration = Histogram(
            "clarus_drift_run_duration_seconds",
            "Time a drift check took, start to end.",
            ["monitor"],
            buckets=_RUN_BUCKETS,
            registry=r,
        )
        self.drift_share = _gauge(
            r, "clarus_drift_share", "Share of drifted columns in the last check.", ["monitor"]
        )
        self.drift_column_score = _gauge(
            r,
            "clarus_drift_column_score",
            "Drift score of each column in the last check (p-value or distance).",
            ["monitor", "column"],
        )
        self.drift_column_drifted = _gauge(
            r,
            "clarus_drift_column_drifted",
            "1 when the column drifted in the last check, else 0.",
            ["monitor", "column"],
        )
        self.drift_last_run = _gauge(
            r, "clarus_drift_last_run_timestamp_seconds", "When the last check ended.", ["monitor"]
        )
        self.model_fetches = _counter(r, "clarus_model_fetches", "Model downloads.", ["outcome"])
        self.model_fetch_bytes = _counter(
            r, "clarus_model_fetch_bytes", "Bytes of model files downloaded.", []
        )

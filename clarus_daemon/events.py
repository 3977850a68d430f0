"""What the daemon did, announced once, for the history store, metrics and logs.

Services emit an Event when an operation ends (deploy, replace, rollback, removal,
model fetch, drift run); sinks decide what to keep. Services never import a sink.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

log = logging.getLogger("clarus_daemon.events")


@dataclass(frozen=True)
class Event:
    kind: str
    """deploy, replace, rollback, remove, model_fetch, drift_run, ..."""
    subject: str
    """What it was about: the inference id, exp_id or monitor name."""
    outcome: str
    """ok, failed, unchanged, rolled_back, drift, no_drift, ..."""
    details: Mapping[str, Any] = field(default_factory=dict)
    started_at: datetime | None = None
    ended_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class EventSink(Protocol):
    async def emit(self, event: Event) -> None: ...


class Events:
    """Fans an event out to every sink; a failing sink never fails the operation."""

    def __init__(self) -> None:
        self._sinks: list[EventSink] = []

    def add_sink(self, sink: EventSink) -> None:
        self._sinks.append(sink)

    async def emit(self, event: Event) -> None:
        log.info("%s %s: %s", event.kind, event.subject, event.outcome)
        for sink in self._sinks:
            try:
                await sink.emit(event)
            except Exception:
                log.exception("event sink %s failed on %s", type(sink).__name__, event.kind)

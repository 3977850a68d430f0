"""What the scheduler knows about each monitor: last fire, failures, backoff, skips."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

FAILED_OUTCOMES = frozenset({"failed", "error"})


def backoff_delay(failures: int, base_s: float, max_s: float) -> timedelta:
    """Exponential pause after `failures` failed runs in a row, capped at max_s."""
    if failures <= 0:
        return timedelta(0)
    return timedelta(seconds=min(base_s * 2 ** min(failures - 1, 62), max_s))


@dataclass
class MonitorState:
    name: str
    schedule: str | None
    last_fired_at: datetime | None = None
    last_lag_s: float | None = None
    last_outcome: str | None = None
    last_ended_at: datetime | None = None
    outcomes_recorded: int = 0
    consecutive_failures: int = 0
    backoff_until: datetime | None = None
    skipped: Counter[str] = field(default_factory=Counter)
    last_skip_at: datetime | None = None
    last_skip_reason: str | None = None

    def in_backoff(self, now: datetime) -> bool:
        return self.backoff_until is not None and now < self.backoff_until

    def paused_until(self, now: datetime) -> datetime | None:
        """When scheduled runs resume, if they are paused now; monitors run on demand never are."""
        return self.backoff_until if self.schedule and self.in_backoff(now) else None

    def record_outcome(self, outcome: str, ended_at: datetime, base_s: float, max_s: float) -> None:
        self.outcomes_recorded += 1
        self.last_outcome = outcome
        self.last_ended_at = ended_at
        if outcome in FAILED_OUTCOMES:
            self.consecutive_failures += 1
            self.backoff_until = ended_at + backoff_delay(self.consecutive_failures, base_s, max_s)
        else:
            self.consecutive_failures = 0
            self.backoff_until = None

    def record_skip(self, reason: str, at: datetime) -> None:
        self.skipped[reason] += 1
        self.last_skip_at = at
        self.last_skip_reason = reason

"""Where the history of what the daemon did is kept, and for how long."""

from pathlib import Path

from pydantic import Field

from clarus_daemon.config.base import PositiveSeconds, Section

# The state directory of the systemd unit (StateDirectory=) and of the compose volume.
DEFAULT_HISTORY_PATH = Path("/var/lib/clarus-daemon/state/history.sqlite3")


class HistorySettings(Section):
    path: Path = Field(
        DEFAULT_HISTORY_PATH,
        description="SQLite file of the history; its directory is created when missing.",
    )
    keep_days: float | None = Field(
        90.0, gt=0, description="Entries older than this are pruned (days); unset keeps all."
    )
    keep_events: int | None = Field(
        100_000, ge=1, description="At most this many events are kept; unset keeps all."
    )
    audit_keep_days: float | None = Field(
        400.0,
        gt=0,
        description="Audit entries (who changed what) older than this are pruned (days); "
        "unset keeps all. No count limit: a flood of calls cannot push entries out.",
    )
    prune_interval_s: PositiveSeconds = Field(
        3600.0, description="How often old entries are pruned (s)."
    )

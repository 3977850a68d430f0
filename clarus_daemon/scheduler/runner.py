"""What the scheduler needs from the drift pipeline, and nothing more."""

from typing import Protocol

TRIGGER_SCHEDULED = "scheduled"
TRIGGER_MANUAL = "manual"


class DriftRunner(Protocol):
    async def run(self, monitor: str, *, trigger: str, wait: bool) -> object:
        """Run one check of `monitor`.

        With wait=False a monitor that is already being checked raises
        clarus_daemon.errors.Conflict at once instead of queueing behind it. Every
        run, failed or not, ends with one drift_run event.
        """
        ...

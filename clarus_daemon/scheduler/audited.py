"""The scheduler's drift checks in the audit log, as the API's are: who is "scheduler"."""

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from clarus_daemon.history.audit import AuditLog
from clarus_daemon.history.audit_trail import SCHEDULER, outside_entry
from clarus_daemon.scheduler.runner import DriftRunner

log = logging.getLogger("clarus_daemon.audit")

ACTION = "drift_check"


@runtime_checkable
class Answered(Protocol):
    def answer(self) -> Mapping[str, Any]: ...


class AuditedRunner:
    """A DriftRunner that records each run it is asked for, however the run ends."""

    def __init__(self, runner: DriftRunner, audit: AuditLog) -> None:
        self._runner = runner
        self._audit = audit

    async def run(self, monitor: str, *, trigger: str, wait: bool) -> object:
        try:
            result = await self._runner.run(monitor, trigger=trigger, wait=wait)
        except (Exception, asyncio.CancelledError) as err:
            await asyncio.shield(self._record(monitor, {}, err))
            raise
        answer = result.answer() if isinstance(result, Answered) else {}
        await self._record(monitor, answer)
        return result

    async def _record(
        self, monitor: str, answer: Mapping[str, Any], error: BaseException | None = None
    ) -> None:
        try:
            await self._audit.append(outside_entry(SCHEDULER, ACTION, monitor, answer, error))
        except Exception:
            log.exception("audit entry lost for the scheduled drift check of %s", monitor)
